/** One build phase: its make target and C dsynth's watchdog in minutes (reference §5.3). */
export interface Phase {
  /** The make target (or `setup` for installing the dependency packages). */
  name: string
  /** Minutes without output after which the phase is killed. */
  watchdogMinutes: number
}

/** The phase that installs the dependencies' packages in the slot (C's /tmp/dsynth_install_pkgs). */
export const SETUP_PHASE: Phase = {name: 'setup', watchdogMinutes: 30}

/** C dsynth's make phases, in order; `check-plist` only runs with Check_plist. */
export const MAKE_PHASES: readonly Phase[] = [
  {name: 'check-sanity', watchdogMinutes: 10},
  {name: 'pkg-depends', watchdogMinutes: 10},
  {name: 'fetch-depends', watchdogMinutes: 120},
  {name: 'fetch', watchdogMinutes: 120},
  {name: 'checksum', watchdogMinutes: 10},
  {name: 'extract-depends', watchdogMinutes: 15},
  {name: 'extract', watchdogMinutes: 15},
  {name: 'patch-depends', watchdogMinutes: 10},
  {name: 'patch', watchdogMinutes: 10},
  {name: 'build-depends', watchdogMinutes: 60},
  {name: 'lib-depends', watchdogMinutes: 60},
  {name: 'configure', watchdogMinutes: 15},
  {name: 'build', watchdogMinutes: 180},
  {name: 'run-depends', watchdogMinutes: 60},
  {name: 'stage', watchdogMinutes: 60},
  {name: 'check-plist', watchdogMinutes: 5},
  {name: 'package', watchdogMinutes: 60},
]

/** The make phases one port runs (without `check-plist` unless asked for). */
export function makePhases(opts: {checkPlist?: boolean} = {}): Phase[] {
  return MAKE_PHASES.filter((p) => p.name !== 'check-plist' || opts.checkPlist === true)
}

/** Phases that run without NO_DEPENDS (C dsynth dophase); every other phase gets NO_DEPENDS=1. */
const WITH_DEPENDS = new Set([
  'check-sanity', 'fetch', 'checksum', 'extract', 'patch', 'configure', 'stage', 'test', 'check-plist',
  'install', 'deinstall', 'pkg-depends', 'fetch-depends', 'extract-depends', 'patch-depends',
  'build-depends', 'lib-depends', 'run-depends',
])

/** True when C dsynth sets NO_DEPENDS=1 for the phase (build, package, setup...). */
export function setsNoDepends(phase: string): boolean {
  return !WITH_DEPENDS.has(phase)
}

/** The PATH every command in a slot gets. */
export const SLOT_PATH = '/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin'

/** C dsynth's worker environment for one port; `extra` adds e.g. UNAME_s. */
export function workerEnv(flavor: string | null, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    TERM: 'dumb', USER: 'root', HOME: '/root', LANG: 'C', SSL_NO_VERIFY_PEER: '1', PATH: SLOT_PATH, ...extra,
  }
  if (flavor !== null) env.FLAVOR = flavor
  return env
}

/** The environment of one phase: the worker environment plus NO_DEPENDS=1 where C sets it. */
export function phaseEnv(worker: Record<string, string>, phase: string): Record<string, string> {
  return setsNoDepends(phase) ? {...worker, NO_DEPENDS: '1'} : {...worker}
}

/** Inputs of the slot's /etc/make.conf. */
export interface MakeConfInput {
  /** Package_suffix, with its dot (`.txz`). */
  packageSuffix: string
  /** Max_jobs_per_builder. */
  maxJobs: number
  /** True when Directory_ccache is set. */
  ccache?: boolean
  /** True to also write PKG_SUFX (pkg older than 1.17, and the Linux demo framework). */
  pkgSufx?: boolean
  /** System variables C writes after UID: ARCH, OPSYS, OSVERSION, OSREL, _OSRELEASE... in order. */
  system?: Record<string, string>
}

/** C dsynth's make.conf variables in its order (reference §5.2), plus PACKAGES=/packages. */
export function makeConfVars(input: MakeConfInput): [string, string][] {
  const vars: [string, string][] = [
    ['USE_PACKAGE_DEPENDS_ONLY', 'yes'],
    ['PORTSDIR', '/xports'],
    ['PORT_DBDIR', '/options'],
    ['PKG_DBDIR', '/var/db/pkg'],
    ['PKG_CACHEDIR', '/var/cache/pkg'],
    ['PKG_COMPRESSION_FORMAT', input.packageSuffix],
  ]
  if (input.pkgSufx) vars.push(['PKG_SUFX', input.packageSuffix])
  if (input.ccache) vars.push(['WITH_CCACHE_BUILD', 'yes'], ['CCACHE_DIR', '/ccache'])
  vars.push(['UID', '0'])
  for (const [k, v] of Object.entries(input.system ?? {})) vars.push([k, v])
  vars.push(
    ['DISTDIR', '/distfiles'],
    ['WRKDIRPREFIX', '/construction'],
    ['PACKAGES', '/packages'],
    ['BATCH', 'yes'],
    ['PACKAGE_BUILDING', 'yes'],
    ['PKG_CREATE_VERBOSE', 'yes'],
    ['MAKE_JOBS_NUMBER', String(input.maxJobs)],
  )
  return vars
}

/**
 * Keeps the `VAR=value` lines of a `<profile>-make.conf` (C dsynth parseProfile): comments (`#`, `;`)
 * and blank lines dropped, surrounding whitespace trimmed, an empty value allowed.
 */
export function parseProfileMakeConf(text: string): string[] {
  const out: string[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    out.push(`${line.slice(0, eq).trim()}=${line.slice(eq + 1).trim()}`)
  }
  return out
}

/** The text of the slot's /etc/make.conf: the profile lines first, then dsynth's variables. */
export function renderMakeConf(profileLines: string[], vars: [string, string][]): string {
  return [...profileLines, ...vars.map(([k, v]) => `${k}=${v}`)].map((l) => l + '\n').join('')
}

/** Watchdog settings: per-phase minutes and the length of one "minute" (tests shrink it). */
export interface WatchdogOptions {
  /** Overrides of the watchdog minutes, by phase name. */
  minutes?: Record<string, number>
  /** Milliseconds per watchdog minute (default 60000). */
  unitMs?: number
}

/** The watchdog of one phase, in milliseconds. */
export function watchdogMs(phase: Phase, opts: WatchdogOptions = {}): number {
  return (opts.minutes?.[phase.name] ?? phase.watchdogMinutes) * (opts.unitMs ?? 60_000)
}
