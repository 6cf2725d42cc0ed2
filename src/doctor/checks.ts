import {buildBaseCheck, configFileCheck, directoriesCheck} from './checks-config.js'
import {lastRunChecks, lockCheck, populateChecks, processChecks, savedPlanChecks, slotDirChecks, tempFileCheck, templateCheck} from './checks-host.js'
import {slotChecks} from './checks-slots.js'
import type {Check, CheckId, CheckSummary, DoctorFacts} from './types.js'

/** The checks that need the live host, with what each looks at; all skipped with a captured table (`--mounts`). */
export const HOST_CHECKS: ReadonlyArray<[CheckId, string]> = [
  ['config-directories', 'directories named in dsynth.ini'],
  ['config-build-base', 'build base path'],
  ['processes', 'processes inside slots'],
  ['last-run', "the last apply's busy mounts"],
  ['slot-dirs', 'slot directories (leftovers, files on the host filesystem)'],
  ['lock', 'lock'],
  ['temp-files', 'leftover temporary files'],
  ['template', 'Template'],
]

/** Why host checks are skipped. */
const SKIPPED = 'not checked: a captured mount table was given, nothing on the host is probed'

/**
 * Every check, in display order: configuration, then each slot's mount checks (stacked first), then the host.
 * Pure: a function of the gathered facts.
 */
export function runChecks(facts: DoctorFacts): Check[] {
  const out: Check[] = [configFileCheck(facts)]
  const host = facts.host
  if (host === null) {
    out.push(...slotChecks(facts.plan, facts.table), ...savedPlanChecks(facts.savedPlans))
    for (const [id, what] of HOST_CHECKS) {
      out.push({id, status: 'skipped', slot: null, summary: `${what}: ${SKIPPED}`, evidence: [], mounts: [], fix: null, repair: null})
    }
    return out
  }
  const running = host.lock.state === 'held' && host.lock.alive === true
  out.push(
    directoriesCheck(host.directories),
    buildBaseCheck(host.buildBase, host.directories),
    ...slotChecks(facts.plan, facts.table),
    ...processChecks(host.holders, running),
    ...lastRunChecks(host.lastRun, facts.table, facts.desired.buildBase, host.holders),
    ...slotDirChecks(host.slotDirs, facts.config.builders),
    ...populateChecks(host.unpopulated),
    lockCheck(host.lock),
    tempFileCheck(host.tempFiles),
    ...savedPlanChecks(facts.savedPlans),
    templateCheck(host.template),
  )
  return out
}

/** Counts checks by status. */
export function summarize(checks: readonly Check[]): CheckSummary {
  const s: CheckSummary = {ok: 0, warning: 0, problem: 0, skipped: 0}
  for (const c of checks) s[c.status]++
  return s
}
