import {createTwoFilesPatch} from 'diff'
import type {DesiredState} from '../layout/types.js'
import type {Plan} from '../plan/types.js'
import {printable} from './printable.js'

/** One comparable line per mount: `target fstype source ro|rw`. */
function line(target: string, fstype: string, source: string, options: readonly string[]): string {
  return `${target} ${fstype} ${source} ${options.includes('ro') ? 'ro' : 'rw'}`
}

/**
 * Unified diff of the live slot mounts (table order) against the desired ones (slot and layout order).
 * A live mount the plan keeps is written in the layout's terms, so it matches its desired line: a Linux bind shows
 * the filesystem it comes from (`ext4 /dev/vda1`), not `bind /usr/bin`, and would otherwise differ on every line.
 * The plan keeps the oldest mount at a target when all the others there are unmounted.
 */
export function renderPlanDiff(plan: Plan, desired: DesiredState): string {
  const shown = new Set(plan.slotStates.map((s) => s.name))
  const slotOf = (target: string) => target.slice(plan.buildBase.length + 1).split('/')[0]
  const observed = plan.observed.filter((m) => shown.has(slotOf(m.target)))
  const specs = desired.slots.filter((s) => shown.has(s.name)).flatMap((s) => s.mounts)
  const specAt = new Map(specs.map((s) => [s.target, s]))
  const leaving = new Map<string, number>()
  for (const c of plan.changes) if (c.action === 'unmount') leaving.set(c.target, (leaving.get(c.target) ?? 0) + 1)
  const mountsAt = new Map<string, number>()
  for (const m of observed) mountsAt.set(m.target, (mountsAt.get(m.target) ?? 0) + 1)
  const seen = new Set<string>()
  const live = observed.map((m) => {
    const oldest = !seen.has(m.target)
    seen.add(m.target)
    const spec = specAt.get(m.target)
    const kept = oldest && spec !== undefined && mountsAt.get(m.target)! - (leaving.get(m.target) ?? 0) === 1
    if (kept) return line(spec.target, spec.fstype, spec.source, m.options)
    return line(m.target, m.fstype, !m.root || m.root === '/' ? m.source : `${m.source}[${m.root}]`, m.options)
  })
  const want = specs.map((m) => line(m.target, m.fstype, m.source, m.options))
  return createTwoFilesPatch('live', 'desired', live.map(printable).join('\n') + '\n', want.map(printable).join('\n') + '\n', '', '', {context: 2})
}
