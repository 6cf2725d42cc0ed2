import {BuildError} from '../errors.js'
import type {RunOptions, RunResult} from '../platform/exec.js'
import {DEP_KINDS, type DepKind, type PortInfo} from './types.js'

/** The variables C dsynth asks every port for, in its order (reference §5.4); one answer line each. */
export const QUERY_VARIABLES = [
  'PKGVERSION', 'PKGFILE:T', 'ALLFILES', 'DIST_SUBDIR', 'MAKE_JOBS_NUMBER', 'IGNORE',
  'FETCH_DEPENDS', 'EXTRACT_DEPENDS', 'PATCH_DEPENDS', 'BUILD_DEPENDS', 'LIB_DEPENDS', 'RUN_DEPENDS',
  'SELECTED_OPTIONS', 'DESELECTED_OPTIONS', 'USE_LINUX', 'FLAVORS', 'USES',
] as const

/** Runs one command on the host (Platform.run or a fake). */
export type Runner = (argv: string[], opts?: RunOptions) => Promise<RunResult>

/** Splits `category/port@flavor` into its port directory and flavor (from the last `@`). */
export function splitOrigin(origin: string): {portdir: string; flavor: string | null} {
  const at = origin.lastIndexOf('@')
  return at < 0 ? {portdir: origin, flavor: null} : {portdir: origin.slice(0, at), flavor: origin.slice(at + 1)}
}

/** The argv of the dependency query for one origin: `make -C <portsdir>/<portdir> [FLAVOR=f] VAR=val... -V ...`. */
export function queryArgv(make: string, portsdir: string, origin: string, vars: Record<string, string> = {}): string[] {
  const {portdir, flavor} = splitOrigin(origin)
  const argv = [make, '-C', `${portsdir}/${portdir}`]
  if (flavor !== null) argv.push(`FLAVOR=${flavor}`)
  for (const [k, v] of Object.entries(vars)) argv.push(`${k}=${v}`)
  for (const v of QUERY_VARIABLES) argv.push('-V', v)
  return argv
}

/**
 * Parses one `*_DEPENDS` value into origins: tokens `x:origin[:tag]`; `/nonexistent:` tokens are
 * dropped, a `<portsdir>/` prefix and the `:tag` are stripped; a flavor stays as `@flavor`.
 * Throws BuildError on a token without `:` or without `category/port`.
 */
export function parseDepends(value: string, portsdir: string, owner: string): string[] {
  const out: string[] = []
  const prefix = portsdir.endsWith('/') ? portsdir : portsdir + '/'
  for (const token of value.split(/\s+/)) {
    if (token === '' || token.startsWith('/nonexistent:')) continue
    const colon = token.indexOf(':')
    if (colon < 0) throw new BuildError('BUILD_BAD_DEPENDENCY', `${owner}: cannot parse dependency '${token}' (expected target:origin)`)
    let dep = token.slice(colon + 1)
    if (dep.startsWith(prefix)) dep = dep.slice(prefix.length)
    const tag = dep.indexOf(':')
    if (tag >= 0) dep = dep.slice(0, tag)
    const {portdir, flavor} = splitOrigin(dep)
    if (!/^[^/@\s]+\/[^/@\s]+$/.test(portdir) || flavor === '') {
      throw new BuildError('BUILD_BAD_DEPENDENCY', `${owner}: cannot parse dependency '${token}' (expected category/port[@flavor])`)
    }
    if (!out.includes(dep)) out.push(dep)
  }
  return out
}

const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '')

/**
 * Parses the answer of the query for `origin`: exactly one line per QUERY_VARIABLES entry.
 * No lines → BuildError `BUILD_UNKNOWN_ORIGIN` naming the origin; another count → `BUILD_CORRUPT_PORT`.
 */
export function parseQueryAnswer(origin: string, stdout: string, portsdir: string): PortInfo {
  const lines = stdout === '' ? [] : stdout.replace(/\n$/, '').split('\n')
  if (lines.length === 0) throw new BuildError('BUILD_UNKNOWN_ORIGIN', `port not found: ${origin}`)
  if (lines.length !== QUERY_VARIABLES.length) {
    throw new BuildError('BUILD_CORRUPT_PORT', `corrupt answer for ${origin}: ${lines.length} lines, expected ${QUERY_VARIABLES.length}`)
  }
  const v = (name: (typeof QUERY_VARIABLES)[number]) => lines[QUERY_VARIABLES.indexOf(name)].trim()
  const deps = {} as Record<DepKind, string[]>
  for (const kind of DEP_KINDS) deps[kind] = parseDepends(v(`${kind.toUpperCase()}_DEPENDS` as (typeof QUERY_VARIABLES)[number]), portsdir, origin)
  const jobs = Number.parseInt(v('MAKE_JOBS_NUMBER'), 10)
  return {
    origin,
    version: v('PKGVERSION'),
    pkgfile: v('PKGFILE:T'),
    allfiles: words(v('ALLFILES')),
    distSubdir: v('DIST_SUBDIR'),
    makeJobsNumber: Number.isNaN(jobs) ? 0 : jobs,
    ignore: v('IGNORE') === '' ? null : v('IGNORE'),
    deps,
    selectedOptions: words(v('SELECTED_OPTIONS')),
    deselectedOptions: words(v('DESELECTED_OPTIONS')),
    useLinux: v('USE_LINUX') !== '',
    flavors: words(v('FLAVORS')),
    uses: words(v('USES')),
  }
}

/** How to ask the ports tree about origins. */
export interface QueryOptions {
  /** Runs the query on the host. */
  run: Runner
  /** The make program: `bmake` on Linux, `/usr/bin/make` on the BSDs. */
  make: string
  /** Directory_portsdir, absolute. */
  portsdir: string
  /** Environment of every query (C: PORTSDIR BATCH PKG_COMPRESSION_FORMAT PKG_SUFX PACKAGE_BUILDING ARCH). */
  env?: Record<string, string>
  /** Extra `VAR=value` arguments on the make command line. */
  vars?: Record<string, string>
  /** Most queries running at once (default 8). */
  concurrency?: number
  /** Aborting kills the queries in flight. */
  signal?: AbortSignal
}

/** Returns a function that queries one origin; at most `concurrency` queries run at once. */
export function makeQuerier(opts: QueryOptions): (origin: string) => Promise<PortInfo> {
  const limit = Math.max(1, opts.concurrency ?? 8)
  let active = 0
  const waiting: (() => void)[] = []
  const acquire = async (): Promise<void> => {
    if (active < limit) active++
    else await new Promise<void>((r) => waiting.push(r))
  }
  // A finished query hands its place to the next waiting one, or frees it.
  const release = (): void => {
    const next = waiting.shift()
    if (next) next()
    else active--
  }
  return async (origin) => {
    await acquire()
    let res: RunResult
    try {
      res = await opts.run(queryArgv(opts.make, opts.portsdir, origin, opts.vars), {env: opts.env, signal: opts.signal})
    } catch (e) {
      throw new BuildError('BUILD_QUERY_FAILED', `cannot run ${opts.make} for ${origin}: ${(e as Error).message}`, {cause: e})
    } finally {
      release()
    }
    if (res.stdout === '') throw new BuildError('BUILD_UNKNOWN_ORIGIN', `port not found: ${origin}${firstLine(res.stderr)}`)
    if (res.exitCode !== 0) throw new BuildError('BUILD_CORRUPT_PORT', `corrupt answer for ${origin}: make exited ${res.exitCode ?? res.signal}${firstLine(res.stderr)}`)
    return parseQueryAnswer(origin, res.stdout, opts.portsdir)
  }
}

const firstLine = (s: string): string => { const l = s.trim().split('\n')[0]; return l ? ` (${l})` : '' }

/**
 * Queries the roots and, transitively, every dependency, all in parallel (bounded by the querier).
 * An unflavored origin whose port has FLAVORS also queries its default flavor, and every flavor when
 * it is a root (C dsynth's dummy node). Resolves with every answer by origin; an unknown dependency
 * rejects with BuildError naming it and the port that needs it.
 */
export async function discoverPorts(roots: string[], query: (origin: string) => Promise<PortInfo>): Promise<Record<string, PortInfo>> {
  const infos: Record<string, PortInfo> = {}
  const errors: unknown[] = []
  const seen = new Set<string>()
  const rootSet = new Set(roots)
  const pending: Promise<void>[] = []
  const visit = (origin: string, neededBy: string | null): void => {
    if (seen.has(origin)) return
    seen.add(origin)
    pending.push(query(origin).then((info) => {
      infos[origin] = info
      if (splitOrigin(origin).flavor === null && info.flavors.length > 0) {
        for (const f of rootSet.has(origin) ? info.flavors : info.flavors.slice(0, 1)) visit(`${origin}@${f}`, origin)
      }
      for (const kind of DEP_KINDS) for (const dep of info.deps[kind]) visit(dep, origin)
    }, (e: unknown) => {
      errors.push(neededBy !== null && e instanceof BuildError && e.code === 'BUILD_UNKNOWN_ORIGIN'
        ? new BuildError(e.code, `${e.message}, required by ${neededBy}`, {cause: e})
        : e)
    }))
  }
  for (const r of roots) visit(r, null)
  // Answers start new queries, so keep waiting until no new one was added.
  for (let waited = 0; waited < pending.length;) {
    const upTo = pending.length
    await Promise.all(pending.slice(waited, upTo))
    waited = upTo
  }
  // Answers arrive in any order; report the same error every time.
  if (errors.length > 0) throw errors.sort((a, b) => String(a).localeCompare(String(b)))[0]
  return infos
}
