import type {Change} from './types.js'

/** A change plus the keys that order it. */
export interface Keyed {
  change: Change
  /** Observed table position (unmount/remount) or layout order (mount). */
  seq: number
  /** Slot index. */
  slotIndex: number
}

const RANK = {unmount: 0, remount: 1, mount: 2} as const

/**
 * Orders changes: every unmount strictly newest first (reverse table order, which unmounts children before
 * parents and upper layers before lower ones), then remounts by slot and path, then mounts by slot and layout
 * order (parents before children). Pure; does not mutate its input.
 */
export function orderChanges(keyed: readonly Keyed[]): Change[] {
  return [...keyed].sort((a, b) => {
    const ra = RANK[a.change.action]
    const rb = RANK[b.change.action]
    if (ra !== rb) return ra - rb
    if (a.change.action === 'unmount') return b.seq - a.seq
    if (a.slotIndex !== b.slotIndex) return a.slotIndex - b.slotIndex
    if (a.change.action === 'remount') return a.change.target < b.change.target ? -1 : a.change.target > b.change.target ? 1 : 0
    return a.seq - b.seq
  }).map((k) => k.change)
}
