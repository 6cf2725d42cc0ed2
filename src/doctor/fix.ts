import {lstat, mkdir, rmdir, unlink} from 'node:fs/promises'
import path from 'node:path'
import type {ApplyEvent} from '../apply/events.js'
import {type ApplyResult, runApply} from '../apply/run-apply.js'
import type {Config, PlatformName} from '../config/types.js'
import {isDsynthError} from '../errors.js'
import {isGone, refuseToSignal, signalAll, waitGone} from '../platform/kill.js'
import {acquireLock} from '../platform/lock.js'
import {removeStaleLock} from '../platform/stale-lock.js'
import {ensureTemplate, TEMPLATE_MARKER} from '../platform/template.js'
import type {Platform} from '../platform/types.js'
import {isAtOrBelow} from '../util/paths.js'
import {findSlotHolders} from './gather.js'
import {heldSlots} from './repair.js'
import type {DoctorFacts, FixOutcome, RepairAction, RepairPlan, SlotHolder} from './types.js'

/** Everything the repair needs. */
export interface FixRequest {
  facts: DoctorFacts
  repair: RepairPlan
  config: Config
  platformName: PlatformName
  platform: Platform
  parallelism: number
  busyTimeoutMs: number
  /** How long processes get after SIGTERM before SIGKILL. */
  killTimeoutMs: number
  /** Command line recorded in the lock. */
  command: string
  signal?: AbortSignal
  onEvent?: (e: ApplyEvent) => void
  onNote?: (note: string) => void
  onApplied?: (r: ApplyResult) => void
}

/** How long killed processes get to disappear. */
const KILL_WAIT_MS = 3000

/** Message of any thrown value. */
const message = (e: unknown) => isDsynthError(e) ? e.message : String((e as Error)?.message ?? e)

/**
 * SIGTERM to every process found inside slots (never init, dsynth or its parent), a bounded wait, then SIGKILL to
 * those that still hold a slot on a fresh scan (a pid reused meanwhile is spared); returns what still holds slots.
 */
async function stopHolders(req: FixRequest, out: FixOutcome): Promise<SlotHolder[]> {
  const base = req.facts.desired.buildBase
  const pids: number[] = []
  for (const pid of new Set(req.repair.kill.map((h) => h.pid))) {
    const reason = refuseToSignal(pid)
    if (reason === null) pids.push(pid)
    else out.stopped.refused.push({pid, reason})
  }
  const termed = signalAll(pids, 'SIGTERM')
  if (termed.length > 0) req.onNote?.(`sent SIGTERM to ${termed.map((p) => `pid ${p}`).join(', ')}`)
  let survivors = await waitGone(termed, req.killTimeoutMs)
  if (survivors.length > 0) {
    const again = await findSlotHolders(req.platform, await req.platform.readMountTable(), base)
    const killed = signalAll(survivors.filter((pid) => again.some((h) => h.pid === pid)), 'SIGKILL')
    if (killed.length > 0) req.onNote?.(`sent SIGKILL to ${killed.map((p) => `pid ${p}`).join(', ')} (still running after ${req.killTimeoutMs} ms)`)
    out.stopped.killed = killed
    survivors = await waitGone(survivors, KILL_WAIT_MS)
  }
  out.stopped.terminated = termed.filter((p) => !out.stopped.killed.includes(p) && !survivors.includes(p))
  out.stopped.survivors = survivors
  return findSlotHolders(req.platform, await req.platform.readMountTable(), base)
}

/** Removes a stale lock or a leftover file (re-checked first), or (re)creates the Template. */
async function runAction(a: RepairAction, req: FixRequest): Promise<string | null> {
  const base = req.facts.desired.buildBase
  const host = req.facts.host!
  if (a.kind === 'remove-lock') {
    const lock = host.lock
    const seen = lock.state === 'corrupt' ? {corrupt: lock.text} : lock.state === 'held' ? lock.info : null
    if (seen === null || !(await removeStaleLock(base, seen))) return 'kept: the lock changed since it was checked'
    return null
  }
  if (a.kind === 'remove-file') {
    const f = host.tempFiles.find((t) => t.path === a.path)
    if (f?.pid != null && !(await isGone(f.pid))) return `kept: pid ${f.pid} is running again`
    if (!(await lstat(a.path).catch(() => null))?.isFile()) return 'kept: no longer a plain file'
    await unlink(a.path)
    return null
  }
  if (a.kind === 'template') {
    if (host.template.dir && host.template.marker) await unlink(path.join(base, TEMPLATE_MARKER)).catch(() => undefined)
    await ensureTemplate(base, req.platformName)
    return null
  }
  return null
}

/** rmdir of an `SLnn` directory, only once the live table shows nothing mounted at or below it; never recursive. */
async function removeSlotDir(dir: string, req: FixRequest): Promise<string | null> {
  const table = await req.platform.readMountTable()
  const mounted = table.mounts.find((m) => isAtOrBelow(m.target, dir))
  if (mounted) return `kept: ${mounted.target} is still mounted`
  const st = await lstat(dir).catch(() => null)
  if (st === null) return null
  if (!st.isDirectory()) return 'kept: not a directory'
  try {
    await rmdir(dir)
    return null
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return code === 'ENOTEMPTY' || code === 'EEXIST' ? 'kept: not empty' : `kept: ${message(e)}`
  }
}

/**
 * Carries out an approved repair: remove a stale lock and take the lock; stop processes (--kill) and re-check what
 * holds slots; remove leftover files, fix the Template, apply the mount plan through apply's machinery (slots still
 * held left out), then rmdir leftover slot directories; release the lock.
 */
export async function executeRepair(req: FixRequest): Promise<FixOutcome> {
  const out: FixOutcome = {approved: true, stopped: {terminated: [], killed: [], refused: [], survivors: []}, leftAlone: [],
    apply: null, actions: [], errors: []}
  const act = async (a: RepairAction, run: () => Promise<string | null>) => {
    try {
      const note = await run()
      out.actions.push({kind: a.kind, path: a.path, ok: note === null, note})
    } catch (e) {
      out.actions.push({kind: a.kind, path: a.path, ok: false, note: message(e)})
      out.errors.push(`${a.kind} ${a.path}: ${message(e)}`)
    }
  }
  const r = req.repair
  for (const a of r.actions.filter((x) => x.kind === 'remove-lock')) await act(a, () => runAction(a, req))
  // one dsynth changes the build base at a time: the whole repair runs under the lock, apply included
  const base = req.facts.desired.buildBase
  await mkdir(base, {recursive: true})
  const lock = await acquireLock(base, req.command, 0)
  try {
    await repairLocked(req, out, act)
  } finally {
    await lock.release()
  }
  return out
}

/** The repair once the lock is held. */
async function repairLocked(req: FixRequest, out: FixOutcome,
  act: (a: RepairAction, run: () => Promise<string | null>) => Promise<void>): Promise<void> {
  const r = req.repair
  const still = r.kill.length > 0 ? await stopHolders(req, out) : []
  const leftAlone = new Set([...r.leftAlone.map((l) => l.slot), ...heldSlots(still)])
  out.leftAlone = [...leftAlone]
  for (const slot of heldSlots(still)) if (r.kill.length > 0) req.onNote?.(`${slot} is still held after the kill: left alone`)
  for (const a of r.actions.filter((x) => x.kind !== 'rmdir' && x.kind !== 'remove-lock' && x.kind !== 'populate')) await act(a, () => runAction(a, req))
  const slots = r.plan.slotStates.map((s) => s.name).filter((n) => !leftAlone.has(n))
  const changes = r.plan.changes.filter((c) => !leftAlone.has(c.slot))
  // the apply run also writes the Template where a slot lacks it
  const populate = r.actions.filter((a) => a.kind === 'populate' && !leftAlone.has(path.basename(a.path)))
  if ((changes.length > 0 || populate.length > 0) && !req.signal?.aborted) {
    try {
      const result = await runApply({config: req.config, platformName: req.platformName, platform: req.platform, mode: 'apply',
        // an empty filter would mean every slot: there is at least one slot here, the one with changes
        slots: leftAlone.size === 0 && r.plan.slotFilter === null ? undefined : slots,
        parallelism: req.parallelism, busyTimeoutMs: req.busyTimeoutMs, lockTimeoutMs: 0, command: req.command, signal: req.signal,
        lockHeld: true, approve: async () => true, onEvent: req.onEvent, onNote: req.onNote})
      out.apply = {status: result.status, ok: result.ok, totals: result.totals, errors: result.errors}
      out.errors.push(...result.errors)
      for (const a of populate) {
        const failed = result.errors.find((e) => e.includes(a.path))
        await act(a, async () => failed ?? null)
      }
      req.onApplied?.(result)
    } catch (e) {
      out.errors.push(message(e))
      out.apply = {status: 'failed', ok: false, totals: {mounted: 0, remounted: 0, unmounted: 0}, errors: [message(e)]}
    }
  }
  for (const a of r.actions.filter((x) => x.kind === 'rmdir')) {
    if (leftAlone.has(path.basename(a.path))) continue
    await act(a, () => removeSlotDir(a.path, req))
  }
}
