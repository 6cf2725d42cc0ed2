import {mkdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import type {Config} from '../config/types.js'
import {BuildError, EXIT} from '../errors.js'
import type {SlotSpec} from '../layout/types.js'
import type {Platform} from '../platform/types.js'
import {isAtOrBelow} from '../util/paths.js'
import {BuildRun} from './build-run.js'
import {assembleGraph} from './graph.js'
import {SLOT_PATH, makeConfVars, makePhases, parseProfileMakeConf, renderMakeConf, type WatchdogOptions} from './phases.js'
import {discoverPorts, makeQuerier} from './query.js'
import type {BuildTools} from './tools.js'
import type {BuildEvent, BuildSummary, SlotOps} from './types.js'
import {findUpToDate, readFreshness} from './uptodate.js'

/** The configuration keys a build reads. */
export type BuildConfig = Pick<Config, 'directories' | 'packageSuffix' | 'maxJobs' | 'profile' | 'configBase' | 'checkPlist'>

/** Everything `runBuild` needs; the OS side is injected. */
export interface RunBuildOptions {
  /** Origins asked for: `category/port[@flavor]`. */
  origins: string[]
  /** The selected profile. */
  config: BuildConfig
  /** The slots to build in (already reconciled); one port per slot at a time. */
  slots: SlotSpec[]
  /** Runs host commands and makes chroot argvs. */
  platform: Pick<Platform, 'run' | 'chrootArgv'>
  /** Resets a slot between ports and kills what runs inside it. */
  slotOps: SlotOps
  /** make and the package installer of this platform (buildToolsFor). */
  tools: BuildTools
  /** Rebuild the named origins even when their package is up to date. */
  force?: boolean
  /** Work out the order and what would be skipped, build nothing, write no logs. */
  dryRun?: boolean
  /** Ctrl-C: stop starting ports, kill everything inside the busy slots, report what was built. */
  signal?: AbortSignal
  /** Receives every event, for the progress renderers. */
  onEvent?: (event: BuildEvent) => void
  /** Per-phase watchdog minutes and the length of a minute. */
  watchdog?: WatchdogOptions
  /** Most dependency queries at once (default 8). */
  queryConcurrency?: number
  /** Base environment of the host queries (default: PATH of this process). */
  hostEnv?: Record<string, string>
  /** System variables for make.conf and the queries (ARCH, OPSYS, OSVERSION, OSREL...), in order. */
  system?: Record<string, string>
  /** Extra environment of every phase (UNAME_s...). */
  workerEnv?: Record<string, string>
  /** Clock in milliseconds (tests). */
  now?: () => number
}

/** Reads `<configBase>/<profile>-make.conf`; a missing file is no error (C only warns). */
async function readProfileMakeConf(config: BuildConfig): Promise<string[]> {
  if (config.configBase === null) return []
  try {
    return parseProfileMakeConf(await readFile(path.join(config.configBase, `${config.profile}-make.conf`), 'utf8'))
  } catch {
    return []
  }
}

/**
 * Builds `opts.origins` and everything they need: queries the ports tree, builds the graph, skips
 * up-to-date packages, then runs the ports on the slots (critical path first), writing C dsynth's
 * logs. Throws BuildError for an unknown origin or a cycle; a failing port is a result, not an error.
 */
export async function runBuild(opts: RunBuildOptions): Promise<BuildSummary> {
  const now = opts.now ?? Date.now
  const t0 = now()
  const dirs = opts.config.directories
  const profileLines = await readProfileMakeConf(opts.config)

  const sfx = opts.config.packageSuffix
  const query = makeQuerier({
    run: opts.platform.run,
    make: opts.tools.hostMake,
    portsdir: dirs.portsdir,
    concurrency: opts.queryConcurrency,
    signal: opts.signal,
    env: {
      PATH: process.env.PATH ?? SLOT_PATH, ...opts.hostEnv,
      PORTSDIR: dirs.portsdir, BATCH: 'yes', PKG_COMPRESSION_FORMAT: sfx, PKG_SUFX: sfx, PACKAGE_BUILDING: 'yes',
      ...(opts.system?.ARCH === undefined ? {} : {ARCH: opts.system.ARCH}),
    },
    vars: {LOCALBASE: path.join(dirs.buildbase, 'empty'), ...Object.fromEntries(profileLines.map(splitAssignment))},
  })
  let infos
  try {
    infos = await discoverPorts(opts.origins, query)
  } catch (e) {
    if (!opts.signal?.aborted) throw e
    throw new BuildError('BUILD_INTERRUPTED', 'interrupted while querying the ports tree; nothing was built', {exit: EXIT.INTERRUPTED, cause: e})
  }
  const graph = assembleGraph(opts.origins, infos)

  const force = new Set<string>()
  if (opts.force) {
    for (const r of graph.roots) {
      force.add(r)
      if (graph.nodes[r].dummy) for (const d of graph.nodes[r].deps) force.add(d.origin)
    }
  }
  const upToDate = findUpToDate(graph, await readFreshness(graph, dirs.repository, dirs.portsdir), force)

  const run = new BuildRun(graph, {slots: opts.slots, slotOps: opts.slotOps, logsDir: dirs.logs, signal: opts.signal, onEvent: opts.onEvent, now, t0}, upToDate)
  if (opts.dryRun) return run.dryRun()
  if (isAtOrBelow(dirs.repository, dirs.packages)) await mkdir(dirs.repository, {recursive: true})
  const makeConf = renderMakeConf(profileLines, makeConfVars({
    packageSuffix: sfx, maxJobs: opts.config.maxJobs, ccache: dirs.ccache !== null, pkgSufx: opts.tools.pkgSufx,
    system: opts.system,
  }))
  return run.build({
    run: opts.platform.run,
    chrootArgv: (dir, argv) => opts.platform.chrootArgv(dir, argv),
    slotOps: opts.slotOps,
    make: opts.tools.slotMake,
    installArgv: opts.tools.installArgv,
    makeConf,
    phases: makePhases({checkPlist: opts.config.checkPlist}),
    repository: dirs.repository,
    logsDir: dirs.logs,
    watchdog: opts.watchdog,
    env: opts.workerEnv,
    signal: opts.signal,
    now,
  })
}

const splitAssignment = (line: string): [string, string] => {
  const eq = line.indexOf('=')
  return [line.slice(0, eq), line.slice(eq + 1)]
}
