interface PathNode {
  /** Seq of the latest mount whose target is this path, or -1. */
  seq: number
  kids: Map<string, PathNode> | null
}

/**
 * Derives BSD parents from order and paths: mount i sits on the latest earlier mount whose target is its own target
 * or a whole-component ancestor of it (`/build/SL1` is not inside `/build/SL10`), i.e. the mount visible at that
 * path when i was mounted; null when there is none. Returns parent seqs; O(path depth) per mount.
 */
export function derivePathParents(targets: readonly string[]): (number | null)[] {
  const root: PathNode = {seq: -1, kids: null}
  const parents: (number | null)[] = new Array(targets.length)
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]
    let node = root
    let best = root.seq
    // a trie of components rather than a Map of whole paths: hashing every ancestor string would be quadratic in depth
    for (let from = 0; from < t.length; ) {
      let to = t.indexOf('/', from)
      if (to < 0) to = t.length
      if (to > from) {
        const part = t.slice(from, to)
        node.kids ??= new Map()
        let next = node.kids.get(part)
        if (next === undefined) {
          next = {seq: -1, kids: null}
          node.kids.set(part, next)
        }
        node = next
        if (node.seq > best) best = node.seq
      }
      from = to + 1
    }
    parents[i] = best < 0 ? null : best
    node.seq = i
  }
  return parents
}

/** Outcome of resolving mountinfo parent ids: the parent of each mount, or the index of the first offending mount. */
export type IdParents = {ok: true; parents: (number | null)[]} | {ok: false; index: number; reason: string}

/**
 * Resolves mountinfo parent ids: a parent id that is the mount's own id (proc(5): the root of the tree) or not in the
 * table becomes null. Rejects duplicate ids and parent cycles, so consumers can walk parents without hanging.
 */
export function resolveIdParents(ids: readonly number[], parentIds: readonly number[]): IdParents {
  const index = new Map<number, number>()
  for (let i = 0; i < ids.length; i++) {
    if (index.has(ids[i])) return {ok: false, index: i, reason: `duplicate mount id ${ids[i]}`}
    index.set(ids[i], i)
  }
  const up = parentIds.map((p, i) => (p === ids[i] ? -1 : (index.get(p) ?? -1)))
  // 0 = unvisited, 1 = on the current walk, 2 = known to reach a root
  const state = new Uint8Array(ids.length)
  const walk: number[] = []
  for (let i = 0; i < ids.length; i++) {
    walk.length = 0
    let j = i
    while (j >= 0 && state[j] === 0) {
      state[j] = 1
      walk.push(j)
      j = up[j]
    }
    if (j >= 0 && state[j] === 1) return {ok: false, index: j, reason: `parent ids form a cycle through mount id ${ids[j]}`}
    for (const k of walk) state[k] = 2
  }
  return {ok: true, parents: up.map((j) => (j < 0 ? null : ids[j]))}
}
