import {formatMountLine} from '../mounttable/format.js'
import type {Mount, MountTable} from '../mounttable/types.js'
import {coveringMount, observedSlots} from '../plan/diff.js'
import type {Change, Plan, Reason, SlotStatus} from '../plan/types.js'
import {isAtOrBelow} from '../util/paths.js'
import type {Check, CheckId, CheckStatus, Repair} from './types.js'

/** Builds a check of one slot. */
function check(id: CheckId, status: CheckStatus, slot: string, summary: string, more: Partial<Check> = {}): Check {
  const repair: Repair | null = status === 'ok' ? null : 'fix'
  return {id, status, slot, summary, evidence: [], mounts: [], fix: null, repair, ...more}
}

/** `1 mount` / `3 mounts` (`plural` for irregular words). */
export function count(n: number, word: string, plural = word + 's'): string {
  return `${n} ${n === 1 ? word : plural}`
}

/** A slot-relative path for a target: `/build/SL00/usr/bin` → `/usr/bin`, the slot root → `/`. */
function rel(target: string, dir: string): string {
  return target === dir ? '/' : target.slice(dir.length)
}

/** Up to four items joined, with `…` when there are more. */
function some(items: string[]): string {
  return items.length <= 4 ? items.join(', ') : `${items.slice(0, 4).join(', ')}, … (${items.length - 4} more)`
}

/**
 * The mount lines of `mounts`, each prefixed by what the plan does to it: `- ` unmount, `~ ` remount, `  ` kept.
 * Unmounts at a target always take its newest mounts (diffSlots keeps the bottom layer or nothing).
 */
function mountLines(mounts: Mount[], changes: Change[], format: MountTable['format']): string[] {
  const unmounts = new Map<string, number>()
  const remounts = new Set<string>()
  for (const c of changes) {
    if (c.action === 'unmount') unmounts.set(c.target, (unmounts.get(c.target) ?? 0) + 1)
    if (c.action === 'remount') remounts.add(c.target)
  }
  const total = new Map<string, number>()
  for (const m of mounts) total.set(m.target, (total.get(m.target) ?? 0) + 1)
  const seen = new Map<string, number>()
  return mounts.map((m) => {
    const n = (seen.get(m.target) ?? 0) + 1
    seen.set(m.target, n)
    const glyph = n > total.get(m.target)! - (unmounts.get(m.target) ?? 0) ? '-' : remounts.has(m.target) ? '~' : ' '
    return `${glyph} ${formatMountLine(m, format)}`
  })
}

/** `layer 2` or `layers 2-3`. */
function layerRange(changes: Change[]): string {
  const layers = changes.map((c) => c.layer)
  const lo = Math.min(...layers)
  const hi = Math.max(...layers)
  return lo === hi ? `layer ${lo}` : `layers ${lo}-${hi}`
}

/** The checks of one slot from its plan status and changes: stacked first, then extra/missing/partial/drift, else ok. */
function checksOfSlot(s: SlotStatus, changes: Change[], mounts: Mount[], format: MountTable['format'], builders: number,
  dir: string, hidden: Mount[], cover: Mount | undefined): Check[] {
  const out: Check[] = []
  if (hidden.length > 0 && cover !== undefined) {
    out.push(check('slot-hidden', 'problem', s.name, `${count(hidden.length, 'mount')} hidden under ${cover.target} (${cover.fstype} ${cover.source}), which was mounted after them`, {
      mounts: hidden.map((m) => `  ${formatMountLine(m, format)}`), repair: 'manual',
      fix: `they cannot be reached while ${cover.target} is mounted: unmount ${cover.target} by hand when nothing uses it, then run dsynth apply (or reboot)`}))
  }
  const lines = (ms: Mount[]) => mountLines(ms, changes, format)
  const by = (...reasons: Reason[]) => changes.filter((c) => reasons.includes(c.reason))
  const unmounts = (...reasons: Reason[]) => by(...reasons).filter((c) => c.action === 'unmount')
  if (s.state === 'extra') {
    if (s.observed === 0) return out
    return [...out, check('slot-extra', 'problem', s.name, `extra slot: ${count(s.observed, 'mount')}, Number_of_builders is ${builders}`, {
      mounts: lines(mounts), fix: `unmount its ${count(s.observed, 'mount')} newest first, then rmdir the directory if empty`})]
  }
  if (s.state === 'stacked') {
    const stacked = unmounts('stacked')
    out.push(check('slot-stacked', 'problem', s.name,
      `${count(s.layers, 'layer')}, ${count(s.observed, 'mount')}, expected 1 layer of ${s.desired}`, {
        mounts: lines(mounts), fix: `unmount the ${count(stacked.length, 'stacked mount')} of ${layerRange(stacked)}, newest first`}))
  }
  const missing = changes.filter((c) => c.action === 'mount' && c.reason === 'missing')
  if (s.observed === 0) {
    out.push(check('slot-missing', 'warning', s.name, `not mounted (expected 1 layer of ${s.desired})`, {
      fix: `mount the slot's ${count(s.desired, 'mount')}`}))
  } else if (missing.length > 0) {
    const paths = missing.map((c) => rel(c.target, dir))
    out.push(check('slot-partial', 'problem', s.name, `${missing.length} of ${count(s.desired, 'mount')} missing: ${some(paths)}`, {
      evidence: paths.length > 4 ? paths : [], fix: `mount ${missing.length === 1 ? 'it' : `the ${missing.length} missing mounts`}`}))
  }
  const foreign = unmounts('foreign')
  if (foreign.length > 0) {
    const what = foreign.map((c) => `${rel(c.target, dir)} (${c.fstype} ${c.source})`)
    const onTop = unmounts('parent-replaced').length
    out.push(check('slot-foreign', 'problem', s.name, `${count(foreign.length, 'foreign mount')}: ${some(what)}`, {
      evidence: what.length > 4 ? what : [], mounts: lines(mounts.filter((m) => foreign.some((c) => isAtOrBelow(m.target, c.target)))),
      fix: `unmount ${foreign.length === 1 ? 'it' : 'them'}${onTop > 0 ? ` with the ${count(onTop, 'mount')} on top, then mount what the slot needs again` : ''}`}))
  }
  const wrong = unmounts('wrong-source', 'wrong-fstype')
  if (wrong.length > 0) {
    const what = wrong.map((c) => {
      const want = changes.find((w) => w.action === 'mount' && w.target === c.target)
      return `${rel(c.target, dir)} is ${c.fstype} ${c.source}${want ? `, expected ${want.fstype} ${want.source}` : ''}`
    })
    out.push(check('slot-wrong', 'problem', s.name, wrong.length === 1 ? what[0] : `${count(wrong.length, 'mount')} of the wrong source or type`, {
      evidence: wrong.length === 1 ? [] : what, mounts: lines(mounts.filter((m) => wrong.some((c) => c.target === m.target))),
      fix: `unmount ${wrong.length === 1 ? 'it' : 'them'} and mount again from the configured source`}))
  }
  const options = changes.filter((c) => c.action === 'remount')
  if (options.length > 0) {
    const what = options.map((c) => `${rel(c.target, dir)} is ${c.options[0] === 'ro' ? 'read-write, expected read-only' : 'read-only, expected read-write'}`)
    out.push(check('slot-options', 'problem', s.name, options.length === 1 ? what[0] : `${count(options.length, 'mount')} with the wrong ro/rw`, {
      evidence: options.length === 1 ? [] : what, mounts: lines(mounts.filter((m) => options.some((c) => c.target === m.target))),
      fix: `remount ${options.length === 1 ? 'it' : 'them'} in place`}))
  }
  const misplaced = unmounts('misplaced')
  if (misplaced.length > 0) {
    out.push(check('slot-misplaced', 'problem', s.name, `${count(misplaced.length, 'mount')} not on the slot's root filesystem (mounted under a missing or newer root)`, {
      mounts: lines(mounts), fix: 'unmount them newest first and mount the slot again in order'}))
  }
  if (out.length === 0) out.push(check('slot-ok', 'ok', s.name, `${count(s.layers, 'layer')}, ${count(s.observed, 'mount')}`, {mounts: lines(mounts)}))
  return out
}

/** Per-slot checks of the mount table against the layout, in slot order. Pure. */
export function slotChecks(plan: Plan, table: MountTable): Check[] {
  const observed = observedSlots(table, plan.buildBase)
  const cover = coveringMount(table, plan.buildBase)
  const out: Check[] = []
  for (const s of plan.slotStates) {
    const changes = plan.changes.filter((c) => c.slot === s.name)
    const slot = observed.get(s.name)
    out.push(...checksOfSlot(s, changes, slot?.mounts ?? [], table.format, plan.slots, `${plan.buildBase}/${s.name}`, slot?.hidden ?? [], cover))
  }
  return out
}
