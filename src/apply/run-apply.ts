import {lstat, mkdir, readdir} from 'node:fs/promises'
import {DIRECTORY_KEYS} from '../config/roles.js'
import type {Config, Directories, PlatformName} from '../config/types.js'
import {PlanFileError, SafetyError, UsageError} from '../errors.js'
import {parseSlotName} from '../layout/slots.js'
import {pathExists, resolvePath} from '../platform/host-facts.js'
import {writeLastRun} from '../platform/last-run.js'
import {acquireLock, describeHolder} from '../platform/lock.js'
import {filesOnDevice, removeTreeOnDevice} from '../platform/remove-tree.js'
import type {Platform} from '../platform/types.js'
import {readPlanFile} from '../plan/plan-file.js'
import {type PreparedPlan, preparePlan} from '../plan/prepare.js'
import type {Plan} from '../plan/types.js'
import {isAtOrBelow} from '../util/paths.js'
import type {ApplyEvent, SlotOutcome} from './events.js'
import {executePlan} from './execute.js'
import {populateNeeds, templateTree} from './populate.js'

/** Everything `apply` / `destroy` need. */
export interface ApplyRequest {
  config: Config
  platformName: PlatformName
  platform: Platform
  mode: 'apply' | 'destroy'
  slots?: string[]
  /** `dsynth apply PLANFILE`: apply exactly this saved plan, without asking; refuse it when stale. */
  planFile?: string
  parallelism: number
  busyTimeoutMs: number
  lockTimeoutMs: number
  /** Command line recorded in the lock. */
  command: string
  signal?: AbortSignal
  /** Shows the plan and asks; resolves true to proceed. Not called for saved plans or empty plans. */
  approve: (plan: Plan) => Promise<boolean>
  /** Called with the plan before anything is done (also for saved plans). */
  onPlan?: (plan: Plan, prepared: PreparedPlan) => void
  onEvent?: (e: ApplyEvent) => void
  /** Notes for the user (lock taken over, directories removed...). */
  onNote?: (note: string) => void
  /** The caller already holds the build base lock (`dsynth build` holds it for the whole build). */
  lockHeld?: boolean
}

/** How an apply ended. */
export interface ApplyResult {
  /** True when the plan re-computed afterwards is empty (and, for destroy, the slot directories are gone). */
  ok: boolean
  /** The user declined, or there was nothing to do. */
  status: 'applied' | 'no-changes' | 'declined' | 'interrupted'
  plan: Plan
  outcomes: SlotOutcome[]
  /** The plan computed from the live table after acting; empty on success. */
  remaining: Plan | null
  totals: {mounted: number; remounted: number; unmounted: number}
  /** Slot directories removed by destroy. */
  removed: string[]
  errors: string[]
}

/** Plan (or load a saved plan), lock, ask, execute in parallel, re-plan to verify, and for destroy remove slot dirs. */
export async function runApply(req: ApplyRequest): Promise<ApplyResult> {
  const buildBase = await resolvePath(req.config.directories.buildbase)
  if (req.mode === 'apply') await createBuildBase(req, buildBase)
  else if (!(await pathExists(buildBase))) {
    const prepared = await preparePlan({config: req.config, platformName: req.platformName, platform: req.platform, mode: req.mode, slots: req.slots})
    req.onPlan?.(prepared.plan, prepared)
    return {ok: true, status: 'no-changes', plan: prepared.plan, outcomes: [], remaining: null, totals: {mounted: 0, remounted: 0, unmounted: 0}, removed: [], errors: []}
  }
  if (req.lockHeld) return applyLocked(req, buildBase)
  const lock = await acquireLock(buildBase, req.command, req.lockTimeoutMs)
  if (lock.tookOver) req.onNote?.(`took over a stale lock of ${describeHolder(lock.tookOver)} (process gone)`)
  try {
    return await applyLocked(req, buildBase)
  } finally {
    await lock.release()
  }
}

async function applyLocked(req: ApplyRequest, buildBase: string): Promise<ApplyResult> {
  let mode = req.mode
  let slots = req.slots
  const saved = req.planFile ? await readPlanFile(req.planFile) : null
  if (saved) {
    mode = saved.plan.mode
    slots = saved.plan.slotFilter ?? undefined
    if (saved.plan.platform !== req.platformName) {
      throw new PlanFileError('PLANFILE_PLATFORM', `${req.planFile} was made for platform ${saved.plan.platform}, not ${req.platformName}`)
    }
  }
  const prepared = await preparePlan({config: req.config, platformName: req.platformName, platform: req.platform, mode, slots})
  const {plan, desired} = prepared
  if (saved && saved.plan.fingerprint !== plan.fingerprint) {
    throw new PlanFileError('PLANFILE_STALE', `Saved plan is stale: the configuration or the live mounts under ${plan.buildBase} changed since ${req.planFile} was saved (${saved.savedAt})`, {
      suggestions: ['run `dsynth plan --out FILE` again and review the new plan'],
    })
  }
  req.onPlan?.(plan, prepared)
  const empty = {outcomes: [], totals: {mounted: 0, remounted: 0, unmounted: 0}, removed: [], errors: []}
  const slotDirs = mode === 'destroy' ? await slotDirectories(buildBase, plan.slotFilter) : []
  const unpopulated = mode === 'apply' ? await populateNeeds(desired, prepared.table, await templateTree(buildBase, desired.platform), plan.slotFilter) : []
  if (plan.changes.length === 0 && slotDirs.length === 0 && unpopulated.length === 0) return {ok: true, status: 'no-changes', plan, remaining: plan, ...empty}
  await refuseMissingSources(plan)
  // copying the Template into a mounted but unpopulated slot root changes no mount: nothing to approve
  const needsApproval = plan.changes.length > 0 || slotDirs.length > 0
  if (needsApproval && !saved && !(await req.approve(plan))) return {ok: false, status: 'declined', plan, remaining: null, ...empty}
  const {outcomes, table, remaining} = await executePlan(plan, {platform: req.platform, desired, parallelism: req.parallelism,
    busyTimeoutMs: req.busyTimeoutMs, signal: req.signal, emit: req.onEvent, table: prepared.table})
  const errors = outcomes.flatMap((o) => o.errors)
  const removed: string[] = []
  if (mode === 'destroy' && !req.signal?.aborted) {
    // the configuration refuses a directory inside a slot; this is the one place that deletes, so look again
    const userDirs = await realUserDirectories(req.config)
    for (const dir of await slotDirectories(buildBase, plan.slotFilter)) {
      const mounted = table.mounts.find((m) => isAtOrBelow(m.target, dir))
      if (mounted) { errors.push(`kept ${dir}: ${mounted.target} is still mounted`); continue }
      const real = await resolvePath(dir)
      const held = userDirs.find((u) => isAtOrBelow(u.real, real))
      if (held) { errors.push(`kept ${dir}: it holds ${held.key} ${held.real}`); continue }
      // files on the build base's own filesystem were written while the slot was not mounted: never deleted
      const files = await filesOnDevice(dir, (await lstat(buildBase)).dev).catch(() => [])
      if (files.length > 0) {
        errors.push(`kept ${dir}: it holds files on the host filesystem (${files.join(', ')}${files.length === 5 ? ', ...' : ''}); look at them, then remove it by hand`)
        continue
      }
      try {
        await removeTreeOnDevice(dir, (await lstat(buildBase)).dev)
        removed.push(dir)
      } catch (e) {
        errors.push(`could not remove ${dir}: ${(e as Error).message}`)
      }
    }
  }
  await writeLastRun(buildBase, {finishedAt: new Date().toISOString(), mode, ok: remaining.changes.length === 0 && errors.length === 0,
    busy: outcomes.flatMap((o) => o.busy.map((b) => ({slot: o.slot, ...b}))), errors}).catch(() => undefined)
  const totals = {mounted: 0, remounted: 0, unmounted: 0}
  for (const o of outcomes) { totals.mounted += o.mounted; totals.remounted += o.remounted; totals.unmounted += o.unmounted }
  const interrupted = req.signal?.aborted === true
  return {ok: remaining.changes.length === 0 && errors.length === 0 && !interrupted, status: interrupted ? 'interrupted' : 'applied',
    plan, outcomes, remaining, totals, removed, errors}
}

/**
 * Creates a missing build base (it holds the lock), but only for an apply that can run: bad input is refused
 * before anything is created.
 */
export async function createBuildBase(req: Pick<ApplyRequest, 'config' | 'platformName' | 'platform' | 'slots'>, buildBase: string): Promise<void> {
  if (await pathExists(buildBase)) return
  const pre = await preparePlan({config: req.config, platformName: req.platformName, platform: req.platform, mode: 'apply', slots: req.slots})
  await refuseMissingSources(pre.plan)
  await mkdir(buildBase, {recursive: true})
}

/** The real paths of every directory the configuration names but the build base: what destroy must never remove. */
async function realUserDirectories(config: Config): Promise<Array<{key: string; real: string}>> {
  const fields = (Object.keys(DIRECTORY_KEYS) as Array<keyof Directories>).filter((f) => f !== 'buildbase')
  const out = await Promise.all(fields.map(async (f) => {
    const dir = config.directories[f]
    return dir === null ? null : {key: DIRECTORY_KEYS[f], real: await resolvePath(dir)}
  }))
  return out.filter((d) => d !== null)
}

/** The `SLnn` directories directly under the build base (never Template, never other names). */
async function slotDirectories(buildBase: string, filter: string[] | null): Promise<string[]> {
  let names: string[]
  try { names = await readdir(buildBase) } catch { return [] }
  return names.filter((n) => parseSlotName(n) !== null && (filter === null || filter.includes(n)))
    .sort((a, b) => parseSlotName(a)! - parseSlotName(b)!).map((n) => `${buildBase}/${n}`)
}

/** Apply refuses to mount from a source directory that does not exist (plan only warns). */
async function refuseMissingSources(plan: Plan): Promise<void> {
  const sources = new Set(plan.changes.filter((c) => c.action === 'mount' && ['bind', 'null', 'nullfs'].includes(c.fstype)).map((c) => c.source))
  // all at once: one round trip through the thread pool instead of one per source
  const list = [...sources]
  const exists = await Promise.all(list.map((s) => pathExists(s)))
  const missing = list.filter((_, i) => !exists[i])
  if (missing.length > 0) {
    throw new SafetyError('SOURCE_MISSING', `refusing to apply: source ${missing.length === 1 ? 'directory' : 'directories'} ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`, {
      suggestions: ['create them (dsynth init creates the directories dsynth.ini names) or fix dsynth.ini'],
    })
  }
}

/** Parses a duration: `30s`, `2m`, `500ms`, `1h`, or a plain number of seconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!m) throw new UsageError('BAD_DURATION', `${flag} ${text}: not a duration`, {suggestions: ['use e.g. 30s, 2m, 500ms or a number of seconds']})
  const n = Number(m[1])
  const unit = m[2] ?? 's'
  return Math.round(n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000))
}
