import type {ChalkInstance} from 'chalk'
import {createBuildBase, runApply} from '../apply/run-apply.js'
import {makeSlotOps} from '../apply/slot-ops.js'
import type {Config, PlatformName} from '../config/types.js'
import {BuildError, UsageError} from '../errors.js'
import {resolvePath} from '../platform/host-facts.js'
import {acquireLock, describeHolder} from '../platform/lock.js'
import type {Platform} from '../platform/types.js'
import {preparePlan} from '../plan/prepare.js'
import {jsonView, linesView} from '../render/apply-progress.js'
import {createProgress} from './progress.js'
import {runBuild} from './run-build.js'
import {buildToolsFor} from './tools.js'

/** What `dsynth build` was asked to do. */
export interface BuildRequest {
  config: Config
  platformName: PlatformName
  platform: Platform
  origins: string[]
  force: boolean
  dryRun: boolean
  json: boolean
  chalk: ChalkInstance
  signal: AbortSignal
  lockTimeoutMs: number
  busyTimeoutMs: number
  /** Approval of the slot plan (same rules as apply). */
  approve: () => Promise<boolean>
  command: string
}

/**
 * `dsynth build`: holds the build base lock for the whole run, reconciles the slots through apply (plan shown,
 * approval asked), then builds. A dry run needs no slots and takes no lock.
 */
export async function runBuildCommand(req: BuildRequest): Promise<'ok' | 'failed' | 'interrupted'> {
  if (req.origins.length === 0) {
    throw new UsageError('NO_ORIGINS', 'nothing to build: name at least one port', {suggestions: ['e.g. dsynth build devel/libgreet misc/hello@loud']})
  }
  const write = (text: string) => process.stdout.write(text)
  const err = (l: string) => process.stderr.write(l + '\n')
  const tools = buildToolsFor(req.platformName)
  const progressMode = req.json ? 'json' : process.stdout.isTTY ? 'tty' : 'lines'
  if (req.dryRun) {
    const {desired} = await preparePlan({config: req.config, platformName: req.platformName, platform: req.platform, mode: 'apply'})
    const summary = await runBuild({origins: req.origins, config: req.config, slots: desired.slots, platform: req.platform,
      slotOps: makeSlotOps(req.platform, desired), tools, force: req.force, dryRun: true})
    const progress = createProgress(req.json ? 'json' : 'lines', {write}, {slots: []})
    if (req.json) write(JSON.stringify({type: 'summary', ...summary}) + '\n')
    else progress.finish(summary)
    return summary.ok ? 'ok' : 'failed'
  }
  const buildBase = await resolvePath(req.config.directories.buildbase)
  await createBuildBase(req, buildBase)
  const lock = await acquireLock(buildBase, req.command, req.lockTimeoutMs)
  if (lock.tookOver) err(`took over a stale lock of ${describeHolder(lock.tookOver)} (process gone)`)
  try {
    const view = req.json ? jsonView((l) => write(l + '\n')) : linesView((l) => write(l + '\n'), req.chalk, err)
    const applied = await runApply({config: req.config, platformName: req.platformName, platform: req.platform, mode: 'apply',
      parallelism: 8, busyTimeoutMs: req.busyTimeoutMs, lockTimeoutMs: 0, command: req.command, signal: req.signal,
      lockHeld: true, approve: req.approve, onPlan: (p) => view.plan(p), onEvent: (e) => view.event(e), onNote: (t) => view.note(t)})
    view.result(applied)
    if (applied.status === 'declined') return 'failed'
    if (applied.status === 'interrupted') return 'interrupted'
    if (!applied.ok && applied.status !== 'no-changes') {
      throw new BuildError('SLOTS_NOT_READY', 'the slots do not match the configuration; nothing was built', {suggestions: ['run `dsynth doctor` to see why']})
    }
    const {desired} = await preparePlan({config: req.config, platformName: req.platformName, platform: req.platform, mode: 'apply'})
    const progress = createProgress(progressMode, {write}, {slots: desired.slots.map((s) => s.name)})
    const summary = await runBuild({origins: req.origins, config: req.config, slots: desired.slots, platform: req.platform,
      slotOps: makeSlotOps(req.platform, desired), tools, force: req.force, signal: req.signal, onEvent: (e) => progress.onEvent(e)})
    progress.finish(summary)
    if (req.json) write(JSON.stringify({type: 'summary', ...summary}) + '\n')
    return summary.interrupted ? 'interrupted' : summary.ok ? 'ok' : 'failed'
  } finally {
    await lock.release()
  }
}
