import {lstat} from 'node:fs/promises'
import os from 'node:os'
import type {DesiredState, MountSpec, SlotSpec} from '../layout/types.js'
import type {MountTable} from '../mounttable/types.js'
import {isDsynthError} from '../errors.js'
import {parseSlotName} from '../layout/slots.js'
import {isDirectory} from '../platform/host-facts.js'
import {clearAroundMounts} from '../platform/remove-tree.js'
import {assertNoSymlinks} from '../platform/safety.js'
import type {TarEntry} from '../platform/tar.js'
import {ensureTemplate} from '../platform/template.js'
import {extractTemplate, type PopulateNeed, populateNeeds, templateTree} from './populate.js'
import type {OpResult, Platform} from '../platform/types.js'
import {diffSlots} from '../plan/diff.js'
import type {Change, Plan} from '../plan/types.js'
import {isAtOrBelow, isBelow, joinSlot} from '../util/paths.js'
import type {ApplyEvent, SlotOutcome} from './events.js'
import {splitAtReveals} from './reveal.js'

/**
 * Slots worked on at once unless `--parallelism` says otherwise. A slot in flight mostly waits for mount and umount
 * processes, and the Linux driver hands every slot that is ready at the same moment to one `mount -a`: more slots in
 * flight than CPUs cost little and batch better. 16, or 4 per CPU on larger machines (at most 64).
 */
export const DEFAULT_PARALLELISM = Math.min(64, Math.max(16, os.availableParallelism() * 4))

/** How to carry out a plan. */
export interface ExecuteOptions {
  platform: Platform
  desired: DesiredState
  /** Slots worked on at once. */
  parallelism: number
  /** How long busy unmounts are retried (with backoff) before they are reported and left in place. */
  busyTimeoutMs: number
  /** Aborted on the first Ctrl-C: no new operation starts; running ones finish. */
  signal?: AbortSignal
  emit?: (e: ApplyEvent) => void
  /** Copy the Template into freshly mounted slot roots (C dsynth does); off in unit tests of mount logic. */
  populate?: boolean
  /** The table the plan was computed from (saves a read before the first unmount batch). */
  table?: MountTable
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** ExecuteOptions plus what one executePlan shares between its slots. */
interface RunContext extends ExecuteOptions {
  /** Whether a bind/null source is a directory; asked once per source for all slots (they share their sources). */
  sourceIsDir: (source: string) => Promise<boolean>
  /** Slot roots this run mounted: empty filesystems but for the mount points made in them, nothing to clear. */
  freshRoots: Set<string>
}

/** Every planned target must be inside `<build base>/SLnn` of its slot; anything else is a bug, never acted on. */
function assertInsideSlot(c: Change, desired: DesiredState): void {
  const dir = `${desired.buildBase}/${c.slot}`
  if (!/^SL\d{2,}$/.test(c.slot) || !isAtOrBelow(c.target, dir)) {
    throw new Error(`internal error: planned target ${c.target} is outside ${dir}`)
  }
}

/** What executePlan did. */
export interface ExecuteResult {
  /** One per slot of the plan, sorted by slot. */
  outcomes: SlotOutcome[]
  /** The live table read after the last mount change (the Template copy that may follow changes no mount). */
  table: MountTable
  /** The plan computed from that table: what is left to do (nothing when every slot converged). */
  remaining: Plan
}

/** Carries out the plan slot by slot, in parallel, keeping the plan order inside each slot. */
export async function executePlan(plan: Plan, opts: ExecuteOptions): Promise<ExecuteResult> {
  for (const c of plan.changes) assertInsideSlot(c, opts.desired)
  const bySlot = new Map<string, Change[]>()
  for (const c of plan.changes) {
    const list = bySlot.get(c.slot)
    if (list) list.push(c); else bySlot.set(c.slot, [c])
  }
  const queue = [...bySlot.keys()]
  const outcomes: SlotOutcome[] = []
  const sources = new Map<string, Promise<boolean>>()
  const ctx: RunContext = {...opts, freshRoots: new Set(), sourceIsDir: (source) => {
    let known = sources.get(source)
    // synchronous (see assertNoSymlinks): slots that reach mount() in the same turn share one mount -a
    if (!known) sources.set(source, known = Promise.resolve(isDirectory(source)))
    return known
  }}
  let template: Promise<unknown> | undefined
  const ensureTemplateOnce = () => (template ??= ensureTemplate(opts.desired.buildBase, opts.desired.platform))
  const worker = async () => {
    for (let slot = queue.shift(); slot !== undefined; slot = queue.shift()) {
      if (opts.signal?.aborted) {
        outcomes.push({slot, ok: false, skipped: true, mounted: 0, unmounted: 0, remounted: 0, errors: [], busy: []})
        continue
      }
      outcomes.push(await applySlot(slot, bySlot.get(slot)!, plan, ctx))
    }
  }
  const emit = opts.emit ?? (() => undefined)
  await Promise.all(Array.from({length: Math.max(1, Math.min(opts.parallelism, queue.length))}, worker))
  // One read of the live table verifies every slot at once.
  const table = await opts.platform.readMountTable()
  const remaining = diffSlots(opts.desired, table, {mode: plan.mode, slotFilter: plan.slotFilter})
  const left = remaining.changes
  if (plan.mode === 'apply' && opts.populate !== false) {
    const entries = opts.signal?.aborted ? await templateTree(opts.desired.buildBase, opts.desired.platform)
      : await populateSlots(ctx, table, plan.slotFilter, outcomes, ensureTemplateOnce, emit, left)
    // a slot is only done once its Template is in (an interrupt stops before the copy: the next apply makes it)
    for (const n of await populateNeeds(opts.desired, table, entries, plan.slotFilter)) {
      const out = outcomes.find((o) => o.slot === n.slot.name)
      if (out && !out.skipped && out.errors.length === 0) out.errors.push(`the Template is not copied into ${n.slot.dir} yet (${n.mounts.join(', ')})`)
    }
  }
  for (const out of outcomes) {
    if (out.skipped) continue
    const initial = bySlot.get(out.slot) ?? []
    const now = left.filter((c) => c.slot === out.slot)
    const count = (cs: Change[], a: Change['action']) => cs.filter((c) => c.action === a).length
    out.unmounted = Math.max(0, count(initial, 'unmount') - count(now, 'unmount'))
    out.remounted = Math.max(0, count(initial, 'remount') - count(now, 'remount'))
    out.mounted = Math.max(0, count(initial, 'mount') - count(now, 'mount'))
    const verified = now.length === 0 && out.errors.length === 0
    // slot-done went out when the slot's own work ended; say so again only when the check disagrees
    if (verified !== out.ok) {
      emit({type: 'slot-done', slot: out.slot, ok: verified, mounted: out.mounted, unmounted: out.unmounted, remounted: out.remounted,
        error: out.errors[0] ?? `${now.length} change(s) still planned after apply`})
    }
    out.ok = verified
  }
  // by slot number (not localeCompare: its first call loads ICU's collator, milliseconds of every apply)
  return {outcomes: outcomes.sort((a, b) => (parseSlotName(a.slot) ?? 0) - (parseSlotName(b.slot) ?? 0)), table, remaining}
}

/**
 * Writes the Template where it is missing (populate.ts) and returns the Template tree it read (null: no slot mounted): into slot roots without the populated marker (freshly
 * mounted, or mounted by an interrupted run) and into other tmpfs mounts of a slot that lack their part (a /dev
 * mounted again on its own). Only slots that match their layout and only filesystems present in the live table are
 * written to, so nothing lands on the build base's own filesystem, and nothing in a bind or null mount.
 */
async function populateSlots(opts: RunContext, table: MountTable, filter: string[] | null, outcomes: SlotOutcome[],
  ensureTemplateOnce: () => Promise<unknown>, emit: (e: ApplyEvent) => void, left: Change[]): Promise<TarEntry[] | null> {
  const {desired} = opts
  const fail = (s: SlotSpec, message: string) => {
    emit({type: 'op', slot: s.name, action: 'template', targets: [s.dir], ok: false, message})
    let out = outcomes.find((o) => o.slot === s.name)
    if (!out) outcomes.push(out = {slot: s.name, ok: false, skipped: false, mounted: 0, unmounted: 0, remounted: 0, errors: [], busy: []})
    out.errors.push(`Template copy into ${s.dir} failed: ${message}`)
  }
  if (!anySlotMounted(desired, table, filter)) return null
  await ensureTemplateOnce()
  const entries = await templateTree(desired.buildBase, desired.platform)
  if (entries === null) return null
  // a slot still planned for changes may have a root that is a bind of a host directory: never written to
  const needs = (await populateNeeds(desired, table, entries, filter)).filter((n) => !left.some((c) => c.slot === n.slot.name))
  const ready: PopulateNeed[] = []
  await Promise.all(needs.map(async (n) => {
    // an unpopulated root that this run did not mount may hold what a crashed run or a port build left: it is emptied
    // around its mount points first (same-device removal that never crosses a mount)
    if (!n.mounts.includes('/') || opts.freshRoots.has(n.slot.dir)) return void ready.push(n)
    const mountPoints = new Set(table.mounts.filter((m) => isBelow(m.target, n.slot.dir)).map((m) => m.target))
    const cleared = await lstat(n.slot.dir).then((st) => clearAroundMounts(n.slot.dir, mountPoints, st.dev))
      .then(() => null, (e: unknown) => isDsynthError(e) ? e.message : String((e as Error)?.message ?? e))
    if (cleared !== null) fail(n.slot, `cannot empty the slot root first: ${cleared}`)
    else ready.push(n)
  }))
  ready.sort((a, b) => a.slot.index - b.slot.index)
  const written = await extractTemplate(opts.platform, desired.buildBase, entries, ready)
  await Promise.all(ready.map(async (n) => {
    const error = written.get(n.slot.dir)
    if (error !== null && error !== undefined) return fail(n.slot, error)
    emit({type: 'op', slot: n.slot.name, action: 'template', targets: n.mounts.map((m) => joinSlot(n.slot.dir, m)), ok: true})
  }))
  return entries
}

/** True when some slot root (within the filter) is mounted. */
function anySlotMounted(desired: DesiredState, table: MountTable, filter: string[] | null): boolean {
  const mounted = new Set(table.mounts.map((m) => m.target))
  return desired.slots.some((s) => (filter === null || filter.includes(s.name)) && mounted.has(s.dir))
}

/** Re-reads the live table and re-plans one slot. */
async function replanSlot(slot: string, plan: Plan, opts: ExecuteOptions): Promise<{table: MountTable; changes: Change[]}> {
  const table = await opts.platform.readMountTable()
  const changes = diffSlots(opts.desired, table, {mode: plan.mode, slotFilter: [slot]}).changes
  return {table, changes}
}

/** Describes a failed operation from its commands' output. */
function failure(r: OpResult): string {
  return r.commands.filter((c) => c.exitCode !== 0).map((c) => `${c.argv.join(' ')}: ${(c.stderr || c.stdout).trim() || `exit ${c.exitCode}`}`).join('; ')
}

/**
 * Unmounts (retrying busy ones), remounts, mounts, then the Template, for one slot; never throws. Emits slot-done
 * with the counts of its successful operations; executePlan replaces them with what the final check finds.
 */
async function applySlot(slot: string, initial: Change[], plan: Plan, opts: RunContext): Promise<SlotOutcome> {
  const out: SlotOutcome = {slot, ok: false, skipped: false, mounted: 0, unmounted: 0, remounted: 0, errors: [], busy: []}
  const emit = (e: ApplyEvent) => {
    if (e.type === 'op' && e.ok && e.action !== 'template') {
      if (e.action === 'mount') out.mounted += e.targets.length
      else if (e.action === 'unmount') out.unmounted += e.targets.length
      else out.remounted += e.targets.length
    }
    opts.emit?.(e)
  }
  emit({type: 'slot-start', slot, changes: initial.length})
  let changes = initial
  try {
    if (changes.some((c) => c.action === 'unmount')) changes = await unmountAll(slot, changes, plan, opts, out, emit)
    if (!changes.some((c) => c.action === 'unmount') && !opts.signal?.aborted) {
      const spec = (c: Change) => specFor(opts.desired, c)
      for (const c of changes.filter((x) => x.action === 'remount')) {
        const r = await opts.platform.remount(spec(c))
        emit({type: 'op', slot, action: 'remount', targets: [c.target], ok: r.ok, message: r.ok ? undefined : failure(r)})
        if (!r.ok) out.errors.push(failure(r))
      }
      const mounts = changes.filter((x) => x.action === 'mount').map(spec)
      if (mounts.length > 0 && !opts.signal?.aborted) await mountBatch(slot, mounts, opts, out, emit)
    }
  } catch (e) {
    out.errors.push(isDsynthError(e) ? e.message : String((e as Error)?.message ?? e))
  }
  out.ok = out.errors.length === 0 && !opts.signal?.aborted
  emit({type: 'slot-done', slot, ok: out.ok, mounted: out.mounted, unmounted: out.unmounted, remounted: out.remounted, error: out.errors[0]})
  return out
}

/** The desired spec a mount/remount change refers to. */
function specFor(desired: DesiredState, c: Change): MountSpec {
  const spec = desired.slots.find((s) => s.name === c.slot)?.mounts.find((m) => m.target === c.target)
  if (!spec) throw new Error(`internal error: no layout entry for ${c.target}`)
  return spec
}

/**
 * Runs the slot's unmounts newest first, in batches that end where a lower layer is revealed (paths are
 * re-checked for symlinks before the next batch), re-reading the table after each batch. Busy unmounts
 * are retried with backoff until the busy timeout, then reported with their holders and left in place.
 */
async function unmountAll(slot: string, changes: Change[], plan: Plan, opts: ExecuteOptions, out: SlotOutcome,
  emit: (e: ApplyEvent) => void): Promise<Change[]> {
  const deadline = Date.now() + opts.busyTimeoutMs
  let table = opts.table ?? await opts.platform.readMountTable()
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    const unmounts = changes.filter((c) => c.action === 'unmount')
    if (unmounts.length === 0) return changes
    for (const batch of splitAtReveals(unmounts, table)) {
      for (const c of batch) await assertNoSymlinks(c.target, opts.desired.buildBase)
      const r = await opts.platform.unmount(batch.map((c) => c.target))
      emit({type: 'op', slot, action: 'unmount', targets: batch.map((c) => c.target), ok: r.ok, message: r.ok ? undefined : failure(r)})
      if (!r.ok) break
    }
    ;({table, changes} = await replanSlot(slot, plan, opts))
    const left = changes.filter((c) => c.action === 'unmount')
    if (left.length === 0) return changes
    if (Date.now() >= deadline || opts.signal?.aborted) {
      const targets = left.map((c) => c.target)
      // each busy mount is its own filesystem, and BSD's `fstat -f DIR` only looks at the filesystem holding DIR
      const holders = await opts.platform.findHolders([...new Set([`${opts.desired.buildBase}/${slot}`, ...targets])])
      out.busy.push({targets, holders})
      out.errors.push(`${left.length} unmount(s) in ${slot} failed (busy): ${targets.slice(0, 3).join(', ')}${targets.length > 3 ? ', ...' : ''}`)
      emit({type: 'busy', slot, targets, holders})
      return changes
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())))
  }
}

/** Checks sources and targets and mounts the batch. */
async function mountBatch(slot: string, specs: MountSpec[], opts: RunContext, out: SlotOutcome,
  emit: (e: ApplyEvent) => void): Promise<void> {
  const base = opts.desired.buildBase
  const slotDir = `${base}/${slot}`
  for (const s of specs) {
    if (s.fstype !== 'bind' && s.fstype !== 'null' && s.fstype !== 'nullfs') continue
    if (!(await opts.sourceIsDir(s.source))) {
      out.errors.push(`source ${s.source} for ${s.target} is not a directory`)
      emit({type: 'op', slot, action: 'mount', targets: [s.target], ok: false, message: `source ${s.source} does not exist`})
      return
    }
  }
  // A fresh root is an empty tmpfs: only the path down to the slot directory exists before the batch.
  if (specs[0].path === '/') await assertNoSymlinks(slotDir, base)
  else for (const s of specs) await assertNoSymlinks(s.target, base)
  const r = await opts.platform.mount(specs)
  emit({type: 'op', slot, action: 'mount', targets: specs.map((s) => s.target), ok: r.ok, message: r.ok ? undefined : failure(r)})
  if (!r.ok) out.errors.push(failure(r))
  else if (specs[0].path === '/') opts.freshRoots.add(slotDir)
}
