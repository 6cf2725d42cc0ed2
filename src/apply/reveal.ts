import type {Mount, MountTable} from '../mounttable/types.js'
import type {Change} from '../plan/types.js'

/**
 * Splits newest-first unmounts into batches that end right after an unmount that reveals a lower mount
 * stacked directly beneath it at the same target: paths below that target then resolve into the lower
 * layer, and must be checked for symlinks again before the next batch uses them.
 */
export function splitAtReveals(unmounts: Change[], table: MountTable): Change[][] {
  const stacks = new Map<string, Mount[]>()
  const byId = new Map<number, Mount>()
  for (const m of table.mounts) {
    byId.set(m.id, m)
    const s = stacks.get(m.target)
    if (s) s.push(m); else stacks.set(m.target, [m])
  }
  const batches: Change[][] = []
  let batch: Change[] = []
  for (const c of unmounts) {
    batch.push(c)
    const top = stacks.get(c.target)?.pop()
    const under = top && top.parent !== null ? byId.get(top.parent) : undefined
    if (under && under.target === c.target) {
      batches.push(batch)
      batch = []
    }
  }
  if (batch.length > 0) batches.push(batch)
  return batches
}
