import {BuildError} from '../errors.js'
import {compare} from './graph.js'

/** A unit of work for the scheduler. */
export interface ScheduleNode {
  /** Unique id (the origin). */
  id: string
  /** Ids this one needs built first. */
  deps: string[]
  /** Relative cost used for the critical path (default 1). */
  weight?: number
}

/** How a scheduled unit ended. */
export type Outcome = 'built' | 'failed' | 'ignored'

/** What resolving one unit changed elsewhere. */
export interface Resolution {
  /** Units that can now never be built, each with the direct dependencies that failed, are ignored or skipped. */
  skipped: {id: string; causes: string[]}[]
}

/** A binary max-heap on (priority, then smallest id). */
class ReadyHeap {
  private readonly items: string[] = []
  constructor(private readonly prio: Map<string, number>) {}
  private better(a: string, b: string): boolean {
    const pa = this.prio.get(a)!, pb = this.prio.get(b)!
    return pa !== pb ? pa > pb : compare(a, b) < 0
  }
  push(id: string): void {
    const it = this.items
    it.push(id)
    for (let i = it.length - 1; i > 0;) {
      const p = (i - 1) >> 1
      if (!this.better(it[i], it[p])) break
      ;[it[i], it[p]] = [it[p], it[i]]
      i = p
    }
  }
  pop(): string | undefined {
    const it = this.items
    if (it.length === 0) return undefined
    const top = it[0]
    const last = it.pop()!
    if (it.length > 0) {
      it[0] = last
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1
        let best = i
        if (l < it.length && this.better(it[l], it[best])) best = l
        if (r < it.length && this.better(it[r], it[best])) best = r
        if (best === i) break
        ;[it[i], it[best]] = [it[best], it[i]]
        i = best
      }
    }
    return top
  }
  sorted(): string[] {
    return [...this.items].sort((a, b) => (this.better(a, b) ? -1 : 1))
  }
}

/**
 * Pure list scheduler over a DAG. A unit is ready when all its dependencies are built; among ready
 * units the one with the longest weighted chain of dependents waiting on it goes first (critical
 * path), ties by id. A failed or ignored unit makes everything that depends on it skipped.
 * It never waits or polls: the caller asks `take()` whenever a slot frees and reports `resolve()`.
 */
export class Scheduler {
  /** Critical-path priority of every unit: its weight plus the heaviest chain of dependents. */
  readonly priority = new Map<string, number>()
  private readonly nodes = new Map<string, ScheduleNode>()
  private readonly dependents = new Map<string, string[]>()
  private readonly missing = new Map<string, number>()
  private readonly state = new Map<string, 'waiting' | 'ready' | 'running' | Outcome | 'skipped'>()
  private readonly heap: ReadyHeap
  private unresolved: number

  constructor(nodes: ScheduleNode[]) {
    for (const n of nodes) {
      this.nodes.set(n.id, n)
      this.dependents.set(n.id, [])
    }
    for (const n of nodes) {
      for (const d of n.deps) {
        const list = this.dependents.get(d)
        if (list === undefined) throw new BuildError('BUILD_SCHEDULE', `${n.id} depends on unknown ${d}`)
        list.push(n.id)
      }
    }
    this.computePriorities()
    this.heap = new ReadyHeap(this.priority)
    this.unresolved = nodes.length
    for (const n of nodes) {
      this.missing.set(n.id, n.deps.length)
      this.state.set(n.id, 'waiting')
    }
    for (const n of nodes) if (n.deps.length === 0) this.makeReady(n.id)
  }

  private computePriorities(): void {
    // Kahn's algorithm from the sinks of the dependents graph (units nothing depends on).
    const left = new Map<string, number>()
    const queue: string[] = []
    for (const [id, deps] of this.dependents) {
      left.set(id, deps.length)
      if (deps.length === 0) queue.push(id)
    }
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i]
      const node = this.nodes.get(id)!
      let longest = 0
      for (const d of this.dependents.get(id)!) longest = Math.max(longest, this.priority.get(d)!)
      this.priority.set(id, (node.weight ?? 1) + longest)
      for (const dep of node.deps) {
        const n = left.get(dep)! - 1
        left.set(dep, n)
        if (n === 0) queue.push(dep)
      }
    }
    if (queue.length !== this.nodes.size) throw new BuildError('BUILD_CYCLE', 'dependency cycle among scheduled ports')
  }

  private makeReady(id: string): void {
    this.state.set(id, 'ready')
    this.heap.push(id)
  }

  /** Ready units, best first (for display and tests). */
  ready(): string[] {
    return this.heap.sorted().filter((id) => this.state.get(id) === 'ready')
  }

  /** Takes the best ready unit and marks it running, or undefined when none is ready. */
  take(): string | undefined {
    // Units resolved while ready (ignored, up to date, skipped) stay in the heap until popped.
    for (let id = this.heap.pop(); id !== undefined; id = this.heap.pop()) {
      if (this.state.get(id) !== 'ready') continue
      this.state.set(id, 'running')
      return id
    }
    return undefined
  }

  /** Records how a unit ended (it must be ready or running, or waiting for `ignored`). */
  resolve(id: string, outcome: Outcome): Resolution {
    const s = this.state.get(id)
    if (s === undefined) throw new BuildError('BUILD_SCHEDULE', `unknown unit ${id}`)
    if (s !== 'running' && s !== 'ready' && !(s === 'waiting' && outcome === 'ignored')) {
      throw new BuildError('BUILD_SCHEDULE', `cannot resolve ${id}: it is ${s}`)
    }
    const res: Resolution = {skipped: []}
    this.finish(id, outcome, res)
    return res
  }

  private finish(id: string, outcome: Outcome, res: Resolution): void {
    this.state.set(id, outcome)
    this.unresolved--
    if (outcome === 'built') {
      for (const d of this.dependents.get(id)!) {
        const n = this.missing.get(d)! - 1
        this.missing.set(d, n)
        if (n === 0 && this.state.get(d) === 'waiting') this.makeReady(d)
      }
      return
    }
    // Everything downstream that is not resolved yet can never be built.
    const queue = [id]
    for (let i = 0; i < queue.length; i++) {
      for (const d of this.dependents.get(queue[i])!) {
        const st = this.state.get(d)
        if (st !== 'waiting' && st !== 'ready') continue
        this.state.set(d, 'skipped')
        this.unresolved--
        const causes = this.nodes.get(d)!.deps.filter((x) => {
          const sx = this.state.get(x)
          return sx === 'failed' || sx === 'ignored' || sx === 'skipped'
        })
        res.skipped.push({id: d, causes})
        queue.push(d)
      }
    }
  }

  /** State of one unit. */
  stateOf(id: string): string | undefined {
    return this.state.get(id)
  }

  /** True when every unit is built, failed, ignored or skipped. */
  finished(): boolean {
    return this.unresolved === 0
  }

  /** Units not resolved yet (waiting, ready or running), sorted. */
  unfinished(): string[] {
    return [...this.state].filter(([, s]) => s === 'waiting' || s === 'ready' || s === 'running').map(([id]) => id).sort(compare)
  }
}
