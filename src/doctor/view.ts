import type {ChalkInstance} from 'chalk'
import {closingLine, describeEvent} from '../render/apply-progress.js'
import {renderChecklist} from './render.js'
import {renderFixOutcome, renderRepairPlan} from './render-repair.js'
import type {DoctorView} from './run-doctor.js'

/** Options of the human view. */
export interface HumanViewOptions {
  verbose: boolean
  /** --fix was given: no "run doctor --fix" hint under the first checklist. */
  fix: boolean
  killTimeoutMs: number
}

/** Doctor for people: the checklist, the repair plan, one line per apply operation, then the checklist again. */
export function humanView(write: (line: string) => void, err: (line: string) => void, c: ChalkInstance, opts: HumanViewOptions): DoctorView {
  return {
    checklist: (report) => write(renderChecklist(report, c, {verbose: opts.verbose, hint: !opts.fix}).trimEnd()),
    repairPlan: (repair) => write('\n' + renderRepairPlan(repair, c, opts.killTimeoutMs).trimEnd()),
    event: (e) => {
      const line = describeEvent(e)
      if (line !== null) write(e.type === 'busy' || (e.type === 'op' && !e.ok) ? c.red(line) : line)
    },
    note: (t) => err(t),
    applied: (r) => {
      for (const e of r.errors) err(c.red(`Error: ${e}`))
      write(c.bold(r.ok ? c.green(closingLine(r)) : c.red(closingLine(r))))
    },
    after: (report) => write('\n' + renderFixOutcome(report, c, opts.verbose).trimEnd()),
  }
}
