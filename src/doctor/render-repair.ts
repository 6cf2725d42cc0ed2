import type {ChalkInstance} from 'chalk'
import {renderPlanHuman} from '../render/plan-human.js'
import {holderLine} from './checks-host.js'
import {countLine, renderChecks, slotRange} from './render.js'
import type {DoctorReport, RepairAction, RepairPlan} from './types.js'

/** What each action does, as a verb. */
const VERB: Record<RepairAction['kind'], string> = {'remove-lock': 'remove', 'remove-file': 'remove', rmdir: 'rmdir', template: 'create a minimal Template',
  populate: 'copy the Template into'}

/** The repair plan: processes to stop or slots left alone, apply's plan of mounts, and the other actions. */
export function renderRepairPlan(r: RepairPlan, c: ChalkInstance, killTimeoutMs: number): string {
  const out = [c.bold('Repair plan')]
  if (r.kill.length > 0) {
    out.push('', `Stop ${r.kill.length === 1 ? 'this process' : `these ${r.kill.length} processes`} inside slots (SIGTERM, then SIGKILL after ${killTimeoutMs / 1000}s):`)
    for (const h of r.kill) out.push(c.red(`  ${h.slot}  ${holderLine(h)}`))
  }
  if (r.leftAlone.length > 0) {
    out.push('', `Left alone, processes hold them (add --kill to stop them): ${slotRange(r.leftAlone.map((l) => l.slot))}`)
    for (const l of r.leftAlone) for (const h of l.holders) out.push(c.yellow(`  ${l.slot}  ${holderLine(h)}`))
  }
  if (r.plan.changes.length > 0) out.push('', renderPlanHuman({...r.plan, warnings: []}, c).trimEnd())
  if (r.actions.length > 0) {
    out.push('', 'Also:')
    for (const a of r.actions) out.push(`  ${VERB[a.kind]} ${a.path} (${a.why})`)
  }
  return out.join('\n') + '\n'
}

/** What the repair did (processes, actions) and the checklist run again afterwards. */
export function renderFixOutcome(report: DoctorReport, c: ChalkInstance, verbose: boolean): string {
  const f = report.fixed!
  const out: string[] = []
  const s = f.stopped
  if (s.terminated.length > 0) out.push(`Stopped with SIGTERM: ${s.terminated.map((p) => `pid ${p}`).join(', ')}`)
  if (s.killed.length > 0) out.push(`Killed with SIGKILL: ${s.killed.map((p) => `pid ${p}`).join(', ')}`)
  for (const r of s.refused) out.push(c.yellow(`Not signalled: pid ${r.pid} (${r.reason})`))
  if (s.survivors.length > 0) out.push(c.red(`Still running: ${s.survivors.map((p) => `pid ${p}`).join(', ')}`))
  if (f.leftAlone.length > 0) out.push(c.yellow(`Left alone (held by processes): ${slotRange(f.leftAlone)}`))
  for (const a of f.actions) {
    const done = a.kind === 'template' ? `created Template ${a.path}` : `${a.kind === 'rmdir' ? 'removed directory' : 'removed'} ${a.path}`
    out.push(a.ok ? `${c.green('✓')} ${done}` : `${c.yellow('!')} ${a.path}: ${a.note}`)
  }
  const after = report.after!
  if (out.length > 0) out.push('')
  out.push(c.bold('After the repair:'), ...renderChecks(after.checks, c, verbose))
  const closing = report.exit === 0 ? c.green(`Doctor repaired everything it found: ${countLine(after.summary)}.`)
    : report.exit === 2 ? c.red(`Repaired what it could; problems left: ${countLine(after.summary)}.`)
      : c.red(`Repair incomplete: ${f.errors.length > 0 ? f.errors.join('; ') : countLine(after.summary)}.`)
  out.push('', c.bold(closing))
  return out.join('\n') + '\n'
}
