import type {ApplyEvent} from '../apply/events.js'
import type {ApplyResult} from '../apply/run-apply.js'
import {EXIT, LockError, UsageError} from '../errors.js'
import {runChecks, summarize} from './checks.js'
import {executeRepair} from './fix.js'
import {type GatherRequest, gatherFacts} from './gather.js'
import {isEmptyRepair, planRepair} from './repair.js'
import {makeReport} from './report.js'
import type {DoctorReport, RepairPlan} from './types.js'

/** Receives what doctor finds and does, and shows it one way (nothing is shown with --json). */
export interface DoctorView {
  /** The checklist of the first run. */
  checklist(report: DoctorReport): void
  /** The repair plan, before asking. */
  repairPlan(repair: RepairPlan): void
  event(e: ApplyEvent): void
  note(text: string): void
  applied(result: ApplyResult): void
  /** The checklist after the repair, and the outcome. */
  after(report: DoctorReport): void
}

/** Everything `dsynth doctor` needs. */
export interface DoctorRequest extends GatherRequest {
  fix: boolean
  kill: boolean
  /** Shows nothing more and asks; resolves true to repair. */
  approve: (repair: RepairPlan) => Promise<boolean>
  parallelism: number
  busyTimeoutMs: number
  killTimeoutMs: number
  /** Command line recorded in the lock. */
  command: string
  signal?: AbortSignal
  view?: DoctorView
}

/**
 * Gathers facts, checks, and plans the repair; with `fix`, shows the repair plan, asks, repairs through apply's
 * machinery, and checks again. The report's exit: 0 nothing wrong or all fixed, 1 error, 2 problems left, 130 interrupted.
 */
export async function runDoctor(req: DoctorRequest): Promise<DoctorReport> {
  if (req.fix && req.mountsFile !== undefined) {
    throw new UsageError('FIX_WITH_MOUNTS', '--fix repairs the live host: it cannot be used with --mounts', {suggestions: ['drop --mounts']})
  }
  if (req.kill && !req.fix) throw new UsageError('KILL_WITHOUT_FIX', '--kill only makes sense with --fix')
  const facts = await gatherFacts(req)
  const checks = runChecks(facts)
  const repair = planRepair(facts, checks, {kill: req.kill})
  const report = makeReport(facts, checks, repair)
  req.view?.checklist(report)
  if (!req.fix) return report
  const lock = facts.host?.lock
  if (lock?.state === 'held' && lock.alive === true) {
    throw new LockError('LOCK_HELD', `a dsynth is running (pid ${lock.info.pid}, ${lock.info.command}): doctor --fix would race it`, {
      suggestions: ['wait for it to finish, then run dsynth doctor --fix again']})
  }
  if (isEmptyRepair(repair)) {
    const held = repair.leftAlone.map((l) => l.slot)
    req.view?.note(held.length > 0 ? `Nothing to repair apart from slots held by processes: ${held.join(', ')} (add --kill to stop them).`
      : report.summary.problem > 0 ? 'Nothing doctor --fix can repair: the problems above need you.' : 'Nothing to repair.')
    return report
  }
  req.view?.repairPlan(repair)
  if (!(await req.approve(repair))) {
    report.fixed = {approved: false, stopped: {terminated: [], killed: [], refused: [], survivors: []}, leftAlone: [], apply: null, actions: [], errors: []}
    req.view?.note('Repair cancelled.')
    return report
  }
  const fixed = await executeRepair({facts, repair, config: req.config, platformName: req.platformName, platform: req.platform,
    parallelism: req.parallelism, busyTimeoutMs: req.busyTimeoutMs, killTimeoutMs: req.killTimeoutMs, command: req.command,
    signal: req.signal, onEvent: (e) => req.view?.event(e), onNote: (t) => req.view?.note(t), onApplied: (r) => req.view?.applied(r)})
  const again = runChecks(await gatherFacts(req))
  const summary = summarize(again)
  report.fixed = fixed
  report.after = {checks: again, summary}
  report.exit = req.signal?.aborted ? EXIT.INTERRUPTED : fixed.errors.length > 0 ? EXIT.ERROR : summary.problem > 0 ? EXIT.CHANGES : EXIT.OK
  req.view?.after(report)
  return report
}
