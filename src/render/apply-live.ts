import type {ChalkInstance} from 'chalk'
import type {ApplyEvent} from '../apply/events.js'
import type {Plan} from '../plan/types.js'
import {type ApplyView, describeEvent, linesView} from './apply-progress.js'

/**
 * Live per-slot progress on a terminal (cli-progress, loaded only here): one bar per slot, counting the
 * slot's planned operations; failures and busy reports are printed above the bars.
 */
export async function liveView(write: (l: string) => void, c: ChalkInstance, err: (l: string) => void): Promise<ApplyView> {
  const {MultiBar, Presets} = (await import('cli-progress')).default
  const base = linesView(write, c, err)
  let bars: InstanceType<typeof MultiBar> | null = null
  const bySlot = new Map<string, ReturnType<InstanceType<typeof MultiBar>['create']>>()
  const stop = () => { bars?.stop(); bars = null }
  return {
    plan: (plan: Plan) => base.plan(plan),
    note: base.note,
    event: (e: ApplyEvent) => {
      if (!bars) {
        bars = new MultiBar({format: ' {slot} {bar} {value}/{total} {status}', hideCursor: true, clearOnComplete: false,
          stopOnComplete: false, barsize: 30}, Presets.shades_classic)
      }
      if (e.type === 'slot-start') bySlot.set(e.slot, bars.create(e.changes, 0, {slot: e.slot, status: 'working'}))
      const bar = bySlot.get(e.slot)
      if (e.type === 'op' && e.action !== 'template') bar?.increment(e.targets.length, {status: `${e.action} ${e.targets.at(-1)}`})
      if (e.type === 'slot-done') bar?.update({status: e.ok ? c.green('done') : c.red('not converged')})
      if (e.type === 'busy' || (e.type === 'op' && !e.ok)) bars.log(c.red(describeEvent(e) ?? '') + '\n')
    },
    result: (r) => { stop(); base.result(r) },
  }
}
