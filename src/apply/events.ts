import type {Holder} from '../platform/types.js'
import type {Action} from '../plan/types.js'

/** Progress of an apply, as events (rendered live on a terminal, as lines, or as JSON lines). */
export type ApplyEvent =
  | {type: 'slot-start'; slot: string; changes: number}
  /** One platform operation on some targets of a slot. */
  | {type: 'op'; slot: string; action: Action | 'template'; targets: string[]; ok: boolean; message?: string}
  /** An unmount still busy after the retries, with the processes that hold the slot. */
  | {type: 'busy'; slot: string; targets: string[]; holders: Holder[]}
  | {type: 'slot-done'; slot: string; ok: boolean; mounted: number; unmounted: number; remounted: number; error?: string}

/** What happened to one slot. */
export interface SlotOutcome {
  slot: string
  /** The slot's part of the plan is empty afterwards. */
  ok: boolean
  /** Not started because of an interrupt. */
  skipped: boolean
  mounted: number
  unmounted: number
  remounted: number
  /** Errors met (command output, refused targets). */
  errors: string[]
  /** Unmounts left in place because busy, with their holders. */
  busy: {targets: string[]; holders: Holder[]}[]
}
