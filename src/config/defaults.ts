import {normalizeAbs} from '../util/paths.js'
import {DIRECTORY_KEYS, findRoleProblem} from './roles.js'
import {PACKAGE_SUFFIXES, failAt, systemDirOf, toBoolean, toDirectory, toInteger, type IniEntry, type ProfileKey, type ValueSite} from './keys.js'
import type {Config, Directories} from './types.js'

/** C dsynth's compiled-in directories (dsynth.md §1.3), used for every `Directory_*` key a profile leaves out. */
export const COMPILED_DIRECTORIES: Readonly<Directories> = Object.freeze({
  packages: '/build/synth/live_packages',
  repository: '/build/synth/live_packages/All',
  portsdir: '/usr/dports',
  options: '/build/synth/options',
  distfiles: '/build/synth/distfiles',
  buildbase: '/build/synth/build',
  logs: '/build/synth/logs',
  ccache: null,
  system: '/',
})

/** Profile used when neither --profile, DSYNTH_PROFILE nor profile_selected names one. */
export const DEFAULT_PROFILE = 'LiveSystem'

/** `Max_jobs_per_builder` when the key is absent (C's compiled default). */
export const DEFAULT_MAX_JOBS = 8

/** `Meta_version` when the key is absent. */
export const DEFAULT_META_VERSION = 2

/** `Package_suffix` when the key is absent. */
export const DEFAULT_PACKAGE_SUFFIX = '.txz'

/** `Operating_system` when neither the file nor the caller names one (dsynth's home system). */
export const DEFAULT_OPERATING_SYSTEM = 'DragonFly'

/** Build base used when there is no config file at all (go-synth's no-file mode). */
export const NO_FILE_BUILD_BASE = '/build'

/** The path named in the no-config warning (the first place C dsynth looks). */
export const PRIMARY_CONFIG_PATH = '/etc/dsynth/dsynth.ini'

/** Upper bound on CPU-derived builders, as go-synth caps NumCPU. */
export const MAX_CPU_BUILDERS = 16

/** Slots to use when the count comes from the CPU: the CPU count capped at 16, at least 1. */
export function deriveBuilders(cpuCount: number): number {
  return Math.min(MAX_CPU_BUILDERS, Math.max(1, Math.floor(cpuCount) || 1))
}

/** The three warning lines printed when no dsynth.ini exists, naming the CPU-derived worker count. */
export function renderNoConfigWarnings(builders: number): string[] {
  return [
    `Warning: No config file found at ${PRIMARY_CONFIG_PATH}`,
    `Using defaults: ${builders} workers (detected from CPU count)`,
    "Run 'dsynth init' to create a config file, or override with config file settings.",
  ]
}

/** The Config used when no file exists: compiled defaults with build base /build and CPU-derived builders. */
export function defaultConfig(cpuCount: number, operatingSystem?: string): Config {
  const builders = deriveBuilders(cpuCount)
  return {
    file: null,
    configBase: null,
    profile: DEFAULT_PROFILE,
    profileSource: 'default',
    operatingSystem: operatingSystem ?? DEFAULT_OPERATING_SYSTEM,
    directories: {...COMPILED_DIRECTORIES, buildbase: NO_FILE_BUILD_BASE},
    packageSuffix: DEFAULT_PACKAGE_SUFFIX,
    metaVersion: DEFAULT_META_VERSION,
    builders,
    buildersSource: 'cpu',
    maxJobs: DEFAULT_MAX_JOBS,
    tmpfsWorkdir: true,
    tmpfsLocalbase: true,
    displayWithNcurses: true,
    leveragePrebuilt: false,
    checkPlist: false,
    numaSetsize: 0,
    warnings: renderNoConfigWarnings(builders),
    keyLines: {},
  }
}

/** What applyValues needs besides the keys: the file for messages, the CPU count, the running OS name. */
export interface ApplyContext {
  /** File name used in messages. */
  file: string
  /** CPUs available, for the `0` meaning of the builder and job counts. */
  cpuCount: number
  /** `Operating_system` when the key is absent. */
  operatingSystem?: string
}

/** The Config fields a profile's keys decide. */
export type ProfileValues = Omit<Config, 'file' | 'configBase' | 'profile' | 'profileSource' | 'warnings' | 'keyLines'>

/** Validates each key's value and fills every absent key with C's compiled default; throws ConfigError naming FILE:LINE. */
export function applyValues(values: ReadonlyMap<string, IniEntry>, ctx: ApplyContext): ProfileValues {
  const read = <T>(key: ProfileKey, fallback: T, convert: (value: string, site: ValueSite) => T): T => {
    const e = values.get(key)
    return e === undefined ? fallback : convert(e.value, {file: ctx.file, line: e.line, key})
  }
  const dir = (key: ProfileKey, fallback: string): string => read(key, fallback, toDirectory)
  const packages = dir('Directory_packages', COMPILED_DIRECTORIES.packages)
  const directories: Directories = {
    packages,
    // Unlike C (a fixed /build/synth/live_packages/All), the repository follows Directory_packages when only that is set.
    repository: dir('Directory_repository', normalizeAbs(`${packages}/All`)),
    portsdir: dir('Directory_portsdir', COMPILED_DIRECTORIES.portsdir),
    options: dir('Directory_options', COMPILED_DIRECTORIES.options),
    distfiles: dir('Directory_distfiles', COMPILED_DIRECTORIES.distfiles),
    buildbase: read('Directory_buildbase', COMPILED_DIRECTORIES.buildbase, toBuildBase),
    logs: dir('Directory_logs', COMPILED_DIRECTORIES.logs),
    ccache: read('Directory_ccache', null, (v, site) => (v === 'disabled' ? null : toDirectory(v, site))),
    system: dir('Directory_system', COMPILED_DIRECTORIES.system),
  }
  refuseRoleProblems(directories, values, ctx.file)
  const builders = read('Number_of_builders', 0, (v, site) => toCount(v, site, 1024, '0 (or no key) means one per CPU, at most 16'))
  const cpuJobs = Math.max(1, Math.floor(ctx.cpuCount) || 1)
  const maxJobs = read('Max_jobs_per_builder', DEFAULT_MAX_JOBS, (v, site) => toCount(v, site, 8192, '0 means one per CPU'))
  return {
    operatingSystem: read('Operating_system', ctx.operatingSystem ?? DEFAULT_OPERATING_SYSTEM, (v) => v),
    directories,
    packageSuffix: read('Package_suffix', DEFAULT_PACKAGE_SUFFIX, toPackageSuffix),
    metaVersion: read('Meta_version', DEFAULT_META_VERSION, toInteger),
    builders: builders === 0 ? deriveBuilders(ctx.cpuCount) : builders,
    buildersSource: builders === 0 ? 'cpu' : 'config',
    maxJobs: maxJobs === 0 ? cpuJobs : maxJobs,
    tmpfsWorkdir: read('Tmpfs_workdir', true, requireTrue),
    tmpfsLocalbase: read('Tmpfs_localbase', true, requireTrue),
    displayWithNcurses: read('Display_with_ncurses', true, toBoolean),
    leveragePrebuilt: read('leverage_prebuilt', false, requireFalse),
    checkPlist: read('Check_plist', false, toBoolean),
    numaSetsize: read('Numa_setsize', 0, toInteger),
  }
}

/**
 * Refuses directories that cannot play their roles next to the slots (roles.ts), as written; load.ts checks them again
 * once symlinks are resolved. Names the key's line (or the build base's when the key is a compiled default).
 */
function refuseRoleProblems(dirs: Directories, values: ReadonlyMap<string, IniEntry>, file: string): void {
  const problem = findRoleProblem(dirs, (field) => `'${values.get(DIRECTORY_KEYS[field])?.value ?? dirs[field]}'`)
  if (problem === null) return
  const entry = values.get(DIRECTORY_KEYS[problem.field]) ?? values.get('Directory_buildbase')
  failAt({file, line: entry?.line ?? 0}, problem.code, problem.message, [problem.suggestion])
}

/** A build base: a directory that is not `/` or a system directory, since slots are created and removed inside it. */
function toBuildBase(value: string, site: ValueSite): string {
  const dir = toDirectory(value, site)
  const system = systemDirOf(dir)
  if (system !== null) {
    const what = system === dir ? 'is a system directory' : `lies inside system directory '${system}'`
    failAt(site, 'CONFIG_SYSTEM_DIR', `${site.key} '${value}' ${what}; build slots are created and removed inside it`, [
      'use a dedicated directory such as /build/synth/build',
    ])
  }
  return dir
}

/** An integer in 0..max, where 0 asks for the CPU-derived value; C's message for anything else. */
function toCount(value: string, site: ValueSite, max: number, zeroHint: string): number {
  const n = toInteger(value, site)
  if (n < 0 || n > max) failAt(site, 'CONFIG_RANGE', `${site.key} must range 1..${max}, got '${value}'`, [zeroHint])
  return n
}

/** A boolean C dsynth only supports as true (the Tmpfs_* keys). */
function requireTrue(value: string, site: ValueSite): boolean {
  if (toBoolean(value, site)) return true
  const got = value === 'false' ? '' : ` (value '${value}')`
  return failAt(site, 'CONFIG_UNSUPPORTED', `${site.key} must be set to true, 'false' not supported${got}`)
}

/** A boolean C dsynth only supports as false (leverage_prebuilt). */
function requireFalse(value: string, site: ValueSite): boolean {
  if (!toBoolean(value, site)) return false
  return failAt(site, 'CONFIG_UNSUPPORTED', `${site.key} not supported and must be set to false, got '${value}'`)
}

/** One of PACKAGE_SUFFIXES, exactly. */
function toPackageSuffix(value: string, site: ValueSite): string {
  if ((PACKAGE_SUFFIXES as readonly string[]).includes(value)) return value
  const near = PACKAGE_SUFFIXES.find((s) => s === value.toLowerCase() || s === `.${value.toLowerCase()}`)
  return failAt(site, 'CONFIG_BAD_VALUE', `${site.key} must be one of ${PACKAGE_SUFFIXES.join(' ')}, got '${value}'`, near === undefined ? [] : [`did you mean '${near}'?`])
}
