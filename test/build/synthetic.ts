import {Scheduler, type ScheduleNode} from '../../src/build/schedule.js'

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A synthetic ports tree: `n` ports `syn/pNNN`, each depending on up to `maxDeps` earlier ones (a DAG). */
export function syntheticTree(n: number, seed: number, maxDeps = 3): ScheduleNode[] {
  const rnd = prng(seed)
  const id = (i: number) => `syn/p${String(i).padStart(3, '0')}`
  return Array.from({length: n}, (_, i) => {
    const deps = new Set<string>()
    const k = i === 0 ? 0 : Math.floor(rnd() * (maxDeps + 1))
    for (let j = 0; j < k; j++) deps.add(id(Math.floor(rnd() * i)))
    return {id: id(i), deps: [...deps].sort()}
  })
}

/** Longest dependency chain, in ports. */
export function longestChain(nodes: ScheduleNode[]): number {
  const depth = new Map<string, number>()
  for (const n of nodes) depth.set(n.id, 1 + Math.max(0, ...n.deps.map((d) => depth.get(d)!)))
  return Math.max(...depth.values())
}

/** The best possible time for unit-length ports on `slots` slots: max(longest chain, ceil(total / slots)). */
export function lowerBound(nodes: ScheduleNode[], slots: number): number {
  return Math.max(longestChain(nodes), Math.ceil(nodes.length / slots))
}

/**
 * Runs the scheduler in virtual time: each port takes `duration(id)`, slots refill the moment a
 * port ends. Returns the makespan and the start order.
 */
export function simulate(nodes: ScheduleNode[], slots: number, duration: (id: string) => number = () => 1,
  failing: ReadonlySet<string> = new Set()): {makespan: number; starts: [string, number][]; sched: Scheduler} {
  const sched = new Scheduler(nodes)
  const starts: [string, number][] = []
  const running: {id: string; end: number}[] = []
  let t = 0
  const fill = () => {
    while (running.length < slots) {
      const id = sched.take()
      if (id === undefined) break
      starts.push([id, t])
      running.push({id, end: t + duration(id)})
    }
  }
  fill()
  while (running.length > 0) {
    running.sort((a, b) => a.end - b.end || (a.id < b.id ? -1 : 1))
    const r = running.shift()!
    t = r.end
    sched.resolve(r.id, failing.has(r.id) ? 'failed' : 'built')
    fill()
  }
  return {makespan: t, starts, sched}
}
