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

/** The full order, as one comparison. */
function compare(a: Keyed, b: Keyed): number {
  const ra = RANK[a.change.action]
  const rb = RANK[b.change.action]
  if (ra !== rb) return ra - rb
  if (a.change.action === 'unmount') return b.seq - a.seq
  if (a.slotIndex !== b.slotIndex) return a.slotIndex - b.slotIndex
  if (a.change.action === 'remount') return a.change.target < b.change.target ? -1 : a.change.target > b.change.target ? 1 : 0
  return a.seq - b.seq
}

/**
 * Orders changes: every unmount strictly newest first (reverse table order, which unmounts children before
 * parents and upper layers before lower ones), then remounts by slot and path, then mounts by slot and layout
 * order (parents before children). Pure; does not mutate its input.
 *
 * Linear in the number of changes for what diffSlots produces (slots in index order, unmounts keyed by distinct
 * table positions): unmounts are placed by position, and only each slot's own few changes are sorted. Any other
 * input gets the same order from one comparison sort.
 */
export function orderChanges(keyed: readonly Keyed[]): Change[] {
  const unmounts: Keyed[] = []
  const remounts: Keyed[] = []
  const mounts: Keyed[] = []
  for (const k of keyed) (k.change.action === 'unmount' ? unmounts : k.change.action === 'remount' ? remounts : mounts).push(k)
  const down = newestFirst(unmounts)
  const re = withinSlots(remounts)
  const up = withinSlots(mounts)
  if (down === null || re === null || up === null) return [...keyed].sort(compare).map((k) => k.change)
  return [...down, ...re, ...up].map((k) => k.change)
}

/** Unmounts by descending table position, placed by position; null when positions are not distinct small integers. */
function newestFirst(list: Keyed[]): Keyed[] | null {
  if (list.length === 0) return list
  let max = -1
  for (const k of list) {
    if (!Number.isSafeInteger(k.seq) || k.seq < 0) return null
    if (k.seq > max) max = k.seq
  }
  if (max > 64 * list.length + 1_000_000) return null
  const at: (Keyed | undefined)[] = new Array(max + 1)
  for (const k of list) {
    if (at[k.seq] !== undefined) return null
    at[k.seq] = k
  }
  const out: Keyed[] = []
  for (let i = max; i >= 0; i--) if (at[i] !== undefined) out.push(at[i]!)
  return out
}

/** Sorts each slot's run of changes on its own; null when the slots are not in ascending index order. */
function withinSlots(list: Keyed[]): Keyed[] | null {
  const out: Keyed[] = []
  for (let i = 0; i < list.length;) {
    let j = i + 1
    while (j < list.length && list[j].slotIndex === list[i].slotIndex) j++
    if (j < list.length && list[j].slotIndex < list[i].slotIndex) return null
    for (const k of list.slice(i, j).sort(compare)) out.push(k)
    i = j
  }
  return out
}
