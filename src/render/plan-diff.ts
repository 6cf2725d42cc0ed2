import {createTwoFilesPatch} from 'diff'
import type {DesiredState} from '../layout/types.js'
import type {Plan} from '../plan/types.js'

/** One comparable line per mount: `target fstype source ro|rw`. */
function line(target: string, fstype: string, source: string, options: string[]): string {
  return `${target} ${fstype} ${source} ${options.includes('ro') ? 'ro' : 'rw'}`
}

/** Unified diff of the live slot mounts (table order) against the desired ones (slot and layout order). */
export function renderPlanDiff(plan: Plan, desired: DesiredState): string {
  const shown = new Set(plan.slotStates.map((s) => s.name))
  const slotOf = (target: string) => target.slice(plan.buildBase.length + 1).split('/')[0]
  const live = plan.observed.filter((m) => shown.has(slotOf(m.target)))
    .map((m) => line(m.target, m.fstype, m.source, m.options))
  const want = desired.slots.filter((s) => shown.has(s.name)).flatMap((s) => s.mounts)
    .map((m) => line(m.target, m.fstype, m.source, m.options))
  return createTwoFilesPatch('live', 'desired', live.join('\n') + '\n', want.join('\n') + '\n', '', '', {context: 2})
}
