import {parseSlotName} from '../layout/slots.js'
import {diffSlots} from '../plan/diff.js'
import {isLeftover} from './checks-host.js'
import type {Check, DoctorFacts, RepairAction, RepairPlan, SlotHolder} from './types.js'

/** Options of the repair. */
export interface RepairOptions {
  /** `--kill`: stop the processes inside slots instead of leaving those slots alone. */
  kill: boolean
}

/** The slots of a list of holders, in slot order. */
export function heldSlots(holders: readonly SlotHolder[]): string[] {
  return [...new Set(holders.map((h) => h.slot))].sort((a, b) => parseSlotName(a)! - parseSlotName(b)!)
}

/**
 * What `doctor --fix` will do, as data. Pure. The mount part is apply's plan; without `--kill`, slots that
 * processes hold are filtered out of it (their unmounts would fail busy anyway) and of the directory removals.
 */
export function planRepair(facts: DoctorFacts, checks: readonly Check[], opts: RepairOptions): RepairPlan {
  const host = facts.host
  const holders = host?.holders ?? []
  const held = heldSlots(holders)
  const leftAlone = opts.kill ? [] : held.map((slot) => ({slot, holders: holders.filter((h) => h.slot === slot)}))
  const excluded = new Set(leftAlone.map((l) => l.slot))
  const plan = excluded.size === 0 ? facts.plan : diffSlots(facts.desired, facts.table, {
    mode: 'apply', warnings: facts.plan.warnings,
    slotFilter: facts.plan.slotStates.map((s) => s.name).filter((n) => !excluded.has(n)),
  })
  const actions: RepairAction[] = []
  if (host !== null) {
    const lock = host.lock
    if (lock.state === 'corrupt') actions.push({kind: 'remove-lock', path: lock.path, why: 'half-written lock'})
    if (lock.state === 'held' && lock.alive === false) actions.push({kind: 'remove-lock', path: lock.path, why: `stale lock of pid ${lock.info.pid}, not running`})
    for (const f of host.tempFiles.filter(isLeftover)) actions.push({kind: 'remove-file', path: f.path, why: 'leftover temporary file'})
    const t = host.template
    if (!t.dir || !t.marker) actions.push({kind: 'template', path: t.path, why: t.dir ? 'no .template.good marker' : 'there is none'})
    else if (t.missing.length > 0) actions.push({kind: 'template', path: t.path, why: `incomplete, ${t.missing.length} missing; etc/passwd, group and hosts are rewritten`})
    for (const u of host.unpopulated) {
      if (!excluded.has(u.slot)) actions.push({kind: 'populate', path: `${facts.desired.buildBase}/${u.slot}`, why: `Template missing from ${u.mounts.join(', ')}`})
    }
    for (const d of host.slotDirs) {
      if (parseSlotName(d.name)! < facts.config.builders || d.kind !== 'directory' || excluded.has(d.name)) continue
      if (d.files > 0 || d.dirs > 0) continue
      actions.push({kind: 'rmdir', path: d.path, why: d.mounted ? 'extra slot directory, once unmounted and if empty' : 'leftover empty slot directory'})
    }
  }
  return {
    kill: opts.kill ? holders : [], leftAlone, plan, actions,
    manual: checks.filter((c) => c.status === 'problem' && c.repair === 'manual').length,
  }
}

/** True when the repair plan does nothing at all. */
export function isEmptyRepair(r: RepairPlan): boolean {
  return r.kill.length === 0 && r.plan.changes.length === 0 && r.actions.length === 0
}
