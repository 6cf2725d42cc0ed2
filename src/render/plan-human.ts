import type {ChalkInstance} from 'chalk'
import type {Change, Plan, SlotStatus} from '../plan/types.js'
import {printable} from './printable.js'
import {GLYPHS, paint} from './symbols.js'

/** Header of one slot block, exactly as the issue gives it: `SL00  stacked: 3 layers, 66 mounts`. */
export function slotHeader(s: SlotStatus): string {
  const layers = `${s.layers} ${s.layers === 1 ? 'layer' : 'layers'}`
  const hidden = s.hidden > 0 ? ` (+${s.hidden} hidden under a later mount)` : ''
  return `${s.name}  ${s.state}: ${layers}, ${s.observed} ${s.observed === 1 ? 'mount' : 'mounts'}${hidden}`
}

/** Column widths of the change lines. */
interface Widths {
  target: number
  fstype: number
  source: number
}

/** One change line: glyph, target, fstype, source, options (mounts) and the reason. */
export function changeLine(c: Change, w: Widths): string {
  const detail = c.action === 'unmount'
    ? `(${c.reason}${c.layer > 1 ? `, layer ${c.layer}` : ''})`
    : `${printable(c.options.join(','))} (${c.reason})`
  return `${GLYPHS[c.action].glyph} ${printable(c.target).padEnd(w.target)}  ${printable(c.fstype).padEnd(w.fstype)}  ${printable(c.source).padEnd(w.source)}  ${detail}`
}

/** The summary line: `Plan: 154 to mount, 0 to remount, 44 to unmount.` */
export function summaryLine(plan: Plan): string {
  const s = plan.summary
  return `Plan: ${s.mount} to mount, ${s.remount} to remount, ${s.unmount} to unmount.`
}

/** Renders a plan for people: one block per slot with changes, warnings, and the summary line. */
export function renderPlanHuman(plan: Plan, c: ChalkInstance): string {
  const out: string[] = []
  const verb = plan.mode === 'destroy' ? 'destroy' : 'plan'
  out.push(c.bold(`dsynth ${verb}: ${plan.platform}, build base ${plan.buildBase}, ${plan.slots} ${plan.slots === 1 ? 'slot' : 'slots'}`))
  for (const w of plan.warnings) out.push(c.yellow(`Warning: ${printable(w)}`))
  if (plan.changes.length === 0) {
    out.push('', c.green(plan.mode === 'destroy' ? 'No changes. No slot is mounted.' : 'No changes. Slots match the configuration.'))
    return out.join('\n') + '\n'
  }
  out.push('', 'Mount actions are indicated with the following symbols:')
  for (const action of ['mount', 'unmount', 'remount'] as const) {
    out.push(`  ${paint(c, action, GLYPHS[action].glyph)} ${GLYPHS[action].verb}`)
  }
  const bySlot = new Map<string, Change[]>()
  for (const ch of plan.changes) {
    const list = bySlot.get(ch.slot)
    if (list) list.push(ch); else bySlot.set(ch.slot, [ch])
  }
  const widths: Widths = {target: 0, fstype: 0, source: 0}
  for (const ch of plan.changes) {
    widths.target = Math.max(widths.target, printable(ch.target).length)
    widths.fstype = Math.max(widths.fstype, printable(ch.fstype).length)
    widths.source = Math.max(widths.source, printable(ch.source).length)
  }
  for (const s of plan.slotStates) {
    const changes = bySlot.get(s.name)
    if (!changes) continue
    out.push('', c.bold(slotHeader(s)))
    for (const ch of changes) out.push('  ' + paint(c, ch.action, changeLine(ch, widths)))
  }
  const ok = plan.slotStates.filter((s) => s.state === 'ok').length
  if (ok > 0) out.push('', `${ok} ${ok === 1 ? 'slot is' : 'slots are'} ok.`)
  out.push('', c.bold(summaryLine(plan)))
  return out.join('\n') + '\n'
}
