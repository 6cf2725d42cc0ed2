import {parseSlotName} from '../layout/slots.js'
import type {DesiredState, MountSpec, SlotSpec} from '../layout/types.js'
import type {Mount, MountTable} from '../mounttable/types.js'
import {isAtOrBelow, isCanonicalAbs} from '../util/paths.js'
import {fingerprintPlan} from './fingerprint.js'
import {SpecMatcher} from './match.js'
import {type Keyed, orderChanges} from './order.js'
import type {Change, ObservedMount, Plan, Reason, SlotState, SlotStatus} from './types.js'

/** What to plan for. */
export interface DiffOptions {
  /** `apply` converges on the layout; `destroy` unmounts every slot. */
  mode: 'apply' | 'destroy'
  /** Limit the plan to these slot names (`--slot`), or null. */
  slotFilter: string[] | null
  /** Findings of the caller to carry in the plan (missing source directories...). */
  warnings?: string[]
}

/** The observed mounts of one slot directory. */
interface ObservedSlot {
  name: string
  index: number
  /** The slot's reachable mounts, in table order. */
  mounts: Mount[]
  /**
   * Mounts of the slot made before the build base (or a directory above it) was mounted over: they are covered and
   * cannot be reached by path, so they are neither the slot nor something apply can unmount (a late `/build` mount).
   */
  hidden: Mount[]
}

/**
 * Groups the mounts at or below `<base>/SLnn` by slot; mounts anywhere else are not ours and are left out, and so is
 * a mount point that is not a canonical path (`/build/SL00/../../etc` is /etc: kernels never show one, a captured
 * or forged table might).
 */
export function observedSlots(table: MountTable, buildBase: string): Map<string, ObservedSlot> {
  return partitionTable(table, buildBase).slots
}

/**
 * The newest mount at the build base or at a directory above it: it covers every slot mount listed before it (tables
 * list mounts in the order they were made; a mount at an ancestor of the base never sits on a slot's filesystem).
 */
export function coveringMount(table: MountTable, buildBase: string): Mount | undefined {
  let cover: Mount | undefined
  for (const m of table.mounts) if (isAtOrBelow(buildBase, m.target) && (cover === undefined || m.seq > cover.seq)) cover = m
  return cover
}

/** The table in one pass: the slots' mounts by slot, every other mount (in order), and the mounts at or below the base. */
function partitionTable(table: MountTable, buildBase: string): {slots: Map<string, ObservedSlot>; others: Mount[]; underBase: Mount[];
  cover: Mount | undefined} {
  const slots = new Map<string, ObservedSlot>()
  const others: Mount[] = []
  const underBase: Mount[] = []
  const cover = coveringMount(table, buildBase)
  const coverSeq = cover?.seq ?? -1
  // a slot's name comes up once per mount of the slot: parse each name once
  const indexOf = new Map<string, number | null>()
  const prefix = buildBase === '/' ? '/' : buildBase + '/'
  for (const m of table.mounts) {
    if (!m.target.startsWith(prefix)) {
      if (m.target === buildBase) underBase.push(m)
      others.push(m)
      continue
    }
    underBase.push(m)
    if (!isCanonicalAbs(m.target)) { others.push(m); continue }
    const rest = m.target.slice(prefix.length)
    const cut = rest.indexOf('/')
    const name = cut === -1 ? rest : rest.slice(0, cut)
    let index = indexOf.get(name)
    if (index === undefined) indexOf.set(name, index = parseSlotName(name))
    if (index === null) { others.push(m); continue }
    let slot = slots.get(name)
    if (!slot) slots.set(name, slot = {name, index, mounts: [], hidden: []})
    ;(m.seq < coverSeq ? slot.hidden : slot.mounts).push(m)
  }
  return {slots, others, underBase, cover}
}

/**
 * The plan: desired state against the live mount table. Pure; never mutates its inputs.
 * Stacks keep their bottom layer; everything newer at the same target, and everything mounted on a
 * filesystem that is being unmounted, is unmounted; the kept layer is then completed.
 */
export function diffSlots(desired: DesiredState, table: MountTable, opts: DiffOptions): Plan {
  const base = desired.buildBase
  const {slots: observed, others, underBase, cover} = partitionTable(table, base)
  // everything but the slots: the build base itself is often a filesystem of its own that bind sources live on
  const matcher = new SpecMatcher(others)
  const names = new Set<string>([...desired.slots.map((s) => s.name), ...observed.keys()])
  const filter = opts.slotFilter === null ? null : new Set(opts.slotFilter)
  const keyed: Keyed[] = []
  const slotStates: SlotStatus[] = []
  const warnings = [...(opts.warnings ?? [])]
  const byName = new Map(desired.slots.map((s) => [s.name, s]))
  const ordered = [...names].map((name) => byName.get(name) ?? observed.get(name)!)
    .sort((a, b) => a.index - b.index)
  for (const {name, index} of ordered) {
    if (filter && !filter.has(name)) continue
    const spec = index < desired.slots.length ? desired.slots[index] : null
    const obs = observed.get(name)?.mounts ?? []
    const result = diffSlot(name, index, spec, obs, opts.mode, matcher, base)
    const hidden = observed.get(name)?.hidden.length ?? 0
    if (hidden > 0) {
      warnings.push(`${name}: ${hidden} mount(s) hidden under ${cover!.target} (${cover!.fstype} ${cover!.source}, mounted after them): `
        + `they cannot be reached or unmounted while it is mounted, and are left alone`)
    }
    keyed.push(...result.keyed)
    slotStates.push({...result.status, hidden})
  }
  const changes = orderChanges(keyed)
  const summary = {mount: 0, remount: 0, unmount: 0}
  for (const c of changes) summary[c.action]++
  const plan: Plan = {
    formatVersion: 1, platform: desired.platform, buildBase: base, slots: desired.slots.length, mode: opts.mode,
    slotFilter: opts.slotFilter, summary, slotStates, changes, warnings,
    observed: [], fingerprint: '',
  }
  // both computed when first read (saving a plan, checking a saved one, JSON output, the diff view): apply re-plans
  // often and needs neither; they stay plain enumerable properties, so JSON and spreads see them
  let observedList: ObservedMount[] | undefined
  let fingerprint: string | undefined
  Object.defineProperty(plan, 'observed', {enumerable: true, configurable: true,
    get: () => (observedList ??= recordObserved(underBase)), set: (v: ObservedMount[]) => { observedList = v }})
  Object.defineProperty(plan, 'fingerprint', {enumerable: true, configurable: true,
    get: () => (fingerprint ??= fingerprintPlan(desired, plan)), set: (v: string) => { fingerprint = v }})
  return plan
}

/** The changes and status of one slot. */
function diffSlot(name: string, index: number, spec: SlotSpec | null, mounts: Mount[], mode: 'apply' | 'destroy',
  matcher: SpecMatcher, base: string): {keyed: Keyed[]; status: SlotStatus} {
  const dir = (spec?.dir) ?? `${base}/${name}`
  const rel = (m: Mount) => m.target === dir ? '/' : m.target.slice(dir.length)
  // mounts by parent id, made when the first mount is dropped with what sits on it (extra slots never need it)
  let children: Map<number, Mount[]> | undefined
  const childrenOf = (id: number): Mount[] => {
    if (children === undefined) {
      children = new Map()
      for (const m of mounts) if (m.parent !== null) {
        const list = children.get(m.parent)
        if (list) list.push(m); else children.set(m.parent, [m])
      }
    }
    return children.get(id) ?? []
  }
  const unmount = new Map<Mount, Reason>()
  const drop = (m: Mount, reason: Reason, childReason: Reason) => {
    if (unmount.has(m)) return
    unmount.set(m, reason)
    const stack = [...childrenOf(m.id)]
    while (stack.length) {
      const c = stack.pop()!
      if (unmount.has(c)) continue
      unmount.set(c, childReason)
      for (const g of childrenOf(c.id)) stack.push(g)
    }
  }
  // Layers: the n-th mount at a target is layer n; a mount sits at least on its parent's layer.
  const atTarget = new Map<string, Mount[]>()
  const layer = new Map<Mount, number>()
  const byId = new Map<number, Mount>()
  let layers = 0
  let stacked = false
  for (const m of mounts) {
    let list = atTarget.get(m.target)
    if (list) { list.push(m); stacked = true } else atTarget.set(m.target, list = [m])
    const parent = m.parent === null ? undefined : byId.get(m.parent)
    const n = Math.max(list.length, parent ? layer.get(parent) ?? 1 : 1)
    layer.set(m, n)
    byId.set(m.id, m)
    if (n > layers) layers = n
  }
  const specs = spec?.mounts ?? []
  const specAt = new Map<string, MountSpec>(specs.map((s) => [s.path, s]))
  const remount: Mount[] = []

  if (spec === null || mode === 'destroy') {
    for (const m of mounts) unmount.set(m, mode === 'destroy' ? 'destroy' : 'extra-slot')
  } else {
    for (const list of atTarget.values()) for (let i = 1; i < list.length; i++) drop(list[i], 'stacked', 'stacked')
    const kept = mounts.filter((m) => !unmount.has(m))
    const keptRoot = kept.find((m) => m.target === dir)
    const memo = new Map<Mount, boolean>()
    if (kept.some((m) => misplaced(m, keptRoot, byId, memo))) {
      for (const m of kept) unmount.set(m, 'misplaced')
    } else {
      for (const m of kept) {
        if (unmount.has(m)) continue
        const s = specAt.get(rel(m))
        if (!s) { drop(m, 'foreign', 'parent-replaced'); continue }
        const mismatch = matcher.compare(m, s)
        if (mismatch) drop(m, mismatch, 'parent-replaced')
      }
      for (const m of kept) {
        const s = specAt.get(rel(m))
        if (s && !unmount.has(m) && m.readonly !== s.readonly) remount.push(m)
      }
    }
  }

  const keyed: Keyed[] = []
  for (const [m, reason] of unmount) {
    keyed.push({seq: m.seq, slotIndex: index, change: {action: 'unmount', slot: name, target: m.target, fstype: m.fstype,
      source: shownSource(m), options: m.options, reason, layer: layer.get(m) ?? 1}})
  }
  for (const m of remount) {
    const s = specAt.get(rel(m))!
    keyed.push({seq: m.seq, slotIndex: index, change: {action: 'remount', slot: name, target: m.target, fstype: s.fstype,
      source: s.source, options: s.options, reason: 'options', layer: layer.get(m) ?? 1}})
  }
  if (spec !== null && mode === 'apply') {
    const remaining = new Set(mounts.filter((m) => !unmount.has(m)).map((m) => m.target))
    const removedReason = new Map<string, Reason>()
    for (const [m, reason] of unmount) if (!removedReason.has(m.target) || layer.get(m) === 1) removedReason.set(m.target, reason)
    for (const s of specs) {
      if (remaining.has(s.target)) continue
      const was = removedReason.get(s.target)
      const reason: Reason = was === 'wrong-source' || was === 'wrong-fstype' || was === 'parent-replaced' || was === 'misplaced'
        ? was : 'missing'
      keyed.push({seq: s.order, slotIndex: index, change: {action: 'mount', slot: name, target: s.target, fstype: s.fstype,
        source: s.source, options: s.options, reason, layer: 0}})
    }
  }
  // the state describes the slot against its layout whatever the mode: --destroy changes what is done, not what is there
  const state = mode === 'destroy' && spec !== null
    ? diffSlot(name, index, spec, mounts, 'apply', matcher, base).status.state
    : slotState(spec === null, stacked, mounts.length, keyed)
  const status: SlotStatus = {name, index, state,
    layers, observed: mounts.length, desired: specs.length, hidden: 0}
  return {keyed, status}
}

/**
 * A kept mount whose chain of parents does not lead to the slot's kept root: it sits on the host filesystem (no root,
 * or a root mounted after it). Following parents rather than paths lets a layout mount that a foreign one covers stay.
 * `memo` holds the answer for every mount walked, so a slot costs linear time however deep its chains are.
 */
function misplaced(m: Mount, root: Mount | undefined, byId: Map<number, Mount>, memo: Map<Mount, boolean>): boolean {
  const walked: Mount[] = []
  let result = true
  for (let p: Mount | undefined = m; p !== undefined; p = p.parent === null ? undefined : byId.get(p.parent)) {
    const known = memo.get(p)
    if (known !== undefined) { result = known; break }
    if (p === root) { result = false; break }
    walked.push(p)
  }
  for (const w of walked) memo.set(w, result)
  return result
}

/** First that applies: extra, stacked, missing, drifted, partial, ok. */
function slotState(extra: boolean, stacked: boolean, observed: number, keyed: Keyed[]): SlotState {
  if (extra) return 'extra'
  if (stacked) return 'stacked'
  if (observed === 0) return 'missing'
  if (keyed.some((k) => k.change.action !== 'mount')) return 'drifted'
  if (keyed.length > 0) return 'partial'
  return 'ok'
}

/** The source of an observed mount for people: a Linux bind shows its device and the directory bound, as findmnt does. */
function shownSource(m: Mount): string {
  return m.root === '/' || m.root === '' ? m.source : `${m.source}[${m.root}]`
}

/** The live mounts at or below the build base (in table order), with parents as list indexes, for the plan record. */
function recordObserved(under: Mount[]): ObservedMount[] {
  const pos = new Map(under.map((m, i) => [m.id, i]))
  return under.map((m) => ({source: m.source, target: m.target, fstype: m.fstype, options: m.options, root: m.root, dev: m.dev,
    parent: m.parent === null ? -1 : pos.get(m.parent) ?? -1}))
}

