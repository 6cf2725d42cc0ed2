import type {ChalkInstance} from 'chalk'
import type {ApplyEvent} from '../apply/events.js'
import type {ApplyResult} from '../apply/run-apply.js'
import type {Plan} from '../plan/types.js'
import {printable} from './printable.js'
import {renderPlanHuman} from './plan-human.js'

/** Receives the plan, every event and the result of an apply, and shows them one way. */
export interface ApplyView {
  plan(plan: Plan): void
  event(e: ApplyEvent): void
  note(text: string): void
  result(r: ApplyResult): void
}

/** Writes one line to stdout. */
type Write = (line: string) => void

/** `Apply complete! Slots: 8 ok. Mounts: 154 mounted, 0 remounted, 44 unmounted.` (or the destroy variant). */
export function closingLine(r: ApplyResult): string {
  const ok = r.plan.slotStates.length - r.outcomes.filter((o) => !o.ok).length
  const t = r.totals
  const verb = r.plan.mode === 'destroy' ? 'Destroy' : 'Apply'
  const head = r.ok ? `${verb} complete!` : r.status === 'interrupted' ? `${verb} interrupted.` : `${verb} incomplete.`
  const slots = r.plan.mode === 'destroy' ? `Slots: ${r.removed.length} removed` : `Slots: ${ok} ok`
  return `${head} ${slots}. Mounts: ${t.mounted} mounted, ${t.remounted} remounted, ${t.unmounted} unmounted.`
}

/** One human line per operation (no terminal, or a terminal with the live view off), control characters escaped. */
export function describeEvent(e: ApplyEvent): string | null {
  const line = eventText(e)
  return line === null ? null : printable(line)
}

/** The text of describeEvent. */
function eventText(e: ApplyEvent): string | null {
  switch (e.type) {
    case 'op': {
      const what = e.action === 'template' ? 'copied Template into' : `${e.action}${e.ok ? 'ed' : ' failed'}`
      const n = e.targets.length
      const targets = n === 1 ? e.targets[0] : `${n} mounts (${e.targets[0]} ... ${e.targets[n - 1]})`
      return `${e.slot}: ${what} ${targets}${e.ok ? '' : `: ${e.message}`}`
    }
    case 'busy':
      return `${e.slot}: busy, left in place: ${e.targets.length} mount(s); held by ${e.holders.length === 0 ? 'no process found' : e.holders.map((h) => `pid ${h.pid} ${h.user} ${h.command} (${h.how.join(',')})`).join('; ')}`
    case 'slot-done':
      return `${e.slot}: ${e.ok ? 'done' : 'not converged'} (${e.mounted} mounted, ${e.remounted} remounted, ${e.unmounted} unmounted)${e.error ? `: ${e.error}` : ''}`
    default:
      return null
  }
}

/** Human lines view: plan, one line per operation, what remains, and the closing line. */
export function linesView(write: Write, c: ChalkInstance, err: Write): ApplyView {
  return {
    plan: (plan) => write(renderPlanHuman(plan, c).trimEnd()),
    event: (e) => {
      const line = describeEvent(e)
      if (line !== null) write(e.type === 'busy' || (e.type === 'op' && !e.ok) ? c.red(line) : line)
    },
    note: (t) => err(t),
    result: (r) => {
      if (r.status === 'declined') { write('\nApply cancelled.'); return }
      if (r.status === 'no-changes') return
      for (const e of r.errors) err(c.red(`Error: ${printable(e)}`))
      if (r.remaining && r.remaining.changes.length > 0) {
        write('\nStill to do:')
        write(renderPlanHuman(r.remaining, c).trimEnd())
      }
      write('\n' + c.bold(r.ok ? c.green(closingLine(r)) : c.red(closingLine(r))))
    },
  }
}

/** JSON lines view for automation: `plan`, one object per event, then `summary`. */
export function jsonView(write: Write): ApplyView {
  const line = (o: object) => write(JSON.stringify({...o, timestamp: new Date().toISOString()}))
  return {
    plan: (plan) => line({type: 'plan', mode: plan.mode, summary: plan.summary, changes: plan.changes, fingerprint: plan.fingerprint}),
    event: (e) => line(e),
    note: (t) => line({type: 'note', message: t}),
    result: (r) => line({type: 'summary', ok: r.ok, status: r.status, totals: r.totals, removed: r.removed, errors: r.errors,
      remaining: r.remaining?.summary ?? null, slots: r.outcomes.map((o) => ({slot: o.slot, ok: o.ok, skipped: o.skipped, busy: o.busy}))}),
  }
}
