import type {Outcome, Resolution, Scheduler} from './schedule.js'

/** How `runSchedule` builds one unit in one slot. */
export type StartUnit = (id: string, slot: number) => Promise<Outcome>

/** Options of `runSchedule`. */
export interface RunScheduleOptions {
  /** Number of slots (parallel builds). */
  slots: number
  /** Builds one unit in the given slot index. Must not reject (report 'failed' instead). */
  start: StartUnit
  /** Units that need no slot (C's dummy nodes): built the moment they are taken. */
  needsSlot?: (id: string) => boolean
  /** Stops starting new units when aborted; running ones finish (the caller kills them). */
  signal?: AbortSignal
  /** Called synchronously right after a unit starts. */
  onStart?: (id: string, slot: number) => void
  /** Called after a unit ends, with what its outcome changed. */
  onResolved?: (id: string, outcome: Outcome, res: Resolution) => void
}

/**
 * Drives a Scheduler over N slots, event-driven: a slot is refilled the moment its unit ends.
 * Resolves when every unit is resolved, or, after an abort, when the running ones have ended.
 */
export function runSchedule(sched: Scheduler, opts: RunScheduleOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const free: number[] = Array.from({length: Math.max(1, opts.slots)}, (_, i) => i)
    let running = 0
    let settled = false
    const pump = (): void => {
      try {
        while (!opts.signal?.aborted && free.length > 0) {
          const id = sched.take()
          if (id === undefined) break
          if (opts.needsSlot && !opts.needsSlot(id)) {
            opts.onResolved?.(id, 'built', sched.resolve(id, 'built'))
            continue
          }
          const slot = free.shift()!
          running++
          opts.onStart?.(id, slot)
          opts.start(id, slot).then((outcome) => {
            running--
            free.push(slot)
            free.sort((a, b) => a - b)
            const res = sched.resolve(id, outcome)
            opts.onResolved?.(id, outcome, res)
            pump()
          }).catch(fail)
        }
        if (running === 0 && !settled) {
          settled = true
          opts.signal?.removeEventListener('abort', onAbort)
          resolve()
        }
      } catch (e) {
        fail(e)
      }
    }
    const fail = (e: unknown): void => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      reject(e)
    }
    const onAbort = (): void => { if (running === 0) pump() }
    opts.signal?.addEventListener('abort', onAbort, {once: true})
    pump()
  })
}
