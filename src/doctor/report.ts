import {EXIT} from '../errors.js'
import {summarize} from './checks.js'
import type {Check, DoctorFacts, DoctorReport, RepairPlan} from './types.js'

/** The report of a check run (before any fix): exit 2 when there is a problem, else 0. Pure. */
export function makeReport(facts: DoctorFacts, checks: Check[], repair: RepairPlan): DoctorReport {
  const summary = summarize(checks)
  return {
    formatVersion: 1, platform: facts.platform, buildBase: facts.desired.buildBase, slots: facts.config.builders,
    configFile: facts.config.file, profile: facts.config.profile, live: facts.host !== null,
    checks, summary, repair, fixed: null, after: null,
    exit: summary.problem > 0 ? EXIT.CHANGES : EXIT.OK,
  }
}
