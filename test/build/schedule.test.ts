import {expect} from 'chai'
import {BuildError} from '../../src/errors.js'
import {runSchedule} from '../../src/build/run-schedule.js'
import {Scheduler, type Outcome, type ScheduleNode} from '../../src/build/schedule.js'
import {lowerBound, simulate, syntheticTree} from './synthetic.js'

const n = (id: string, ...deps: string[]): ScheduleNode => ({id, deps})

describe('build/schedule', () => {
  // [name, nodes, slots, expected start order]
  const orders: [string, ScheduleNode[], number, string[]][] = [
    ['critical path first: the head of the longest chain of dependents beats a lone port',
      [n('z/chain1'), n('z/chain2', 'z/chain1'), n('z/chain3', 'z/chain2'), n('a/alone')], 1,
      ['z/chain1', 'z/chain2', 'a/alone', 'z/chain3']],
    ['ties go by origin name',
      [n('b/two'), n('a/one'), n('c/three')], 1, ['a/one', 'b/two', 'c/three']],
    ['a port waits for all its dependencies',
      [n('a/lib1'), n('a/lib2'), n('a/app', 'a/lib1', 'a/lib2')], 1, ['a/lib1', 'a/lib2', 'a/app']],
    ['chains are counted through dependents, not dependencies',
      [n('a/leafy'), n('b/x'), n('b/y', 'b/x'), n('a/top', 'a/leafy'), n('b/z', 'b/y')], 1,
      ['b/x', 'a/leafy', 'b/y', 'a/top', 'b/z']],
  ]
  for (const [name, nodes, slots, expected] of orders) {
    it(name, () => {
      expect(simulate(nodes, slots).starts.map(([id]) => id)).to.deep.equal(expected)
    })
  }

  it('computes the critical-path priority from weights', () => {
    const s = new Scheduler([{id: 'a', deps: [], weight: 2}, {id: 'b', deps: ['a'], weight: 5}, {id: 'c', deps: ['a']}])
    expect(Object.fromEntries(s.priority)).to.deep.equal({a: 7, b: 5, c: 1})
    expect(s.ready()).to.deep.equal(['a'])
  })

  it('skips everything downstream of a failure and keeps building unrelated ports', () => {
    const nodes = [n('a/broken'), n('a/needs', 'a/broken'), n('a/meta', 'a/needs', 'a/ok'), n('a/ok'), n('a/other')]
    const {starts, sched} = simulate(nodes, 2, () => 1, new Set(['a/broken']))
    expect(starts.map(([id]) => id).sort()).to.deep.equal(['a/broken', 'a/ok', 'a/other'])
    expect(sched.stateOf('a/needs')).to.equal('skipped')
    expect(sched.stateOf('a/meta')).to.equal('skipped')
    expect(sched.stateOf('a/ok')).to.equal('built')
    expect(sched.finished()).to.equal(true)
  })

  it('reports each skipped port with its direct causes', () => {
    const s = new Scheduler([n('a/bad'), n('a/ign'), n('a/mid', 'a/bad'), n('a/top', 'a/mid', 'a/ign')])
    expect(s.resolve('a/ign', 'ignored').skipped).to.deep.equal([{id: 'a/top', causes: ['a/ign']}])
    expect(s.take()).to.equal('a/bad')
    expect(s.resolve('a/bad', 'failed').skipped).to.deep.equal([{id: 'a/mid', causes: ['a/bad']}])
    expect(s.finished()).to.equal(true)
    expect(s.unfinished()).to.deep.equal([])
  })

  it('drops a ready port resolved before it was taken', () => {
    const s = new Scheduler([n('a/x'), n('a/y')])
    s.resolve('a/x', 'built')
    expect(s.take()).to.equal('a/y')
    expect(s.take()).to.equal(undefined)
  })

  it('refuses to resolve a port twice or an unknown one', () => {
    const s = new Scheduler([n('a/x')])
    s.resolve('a/x', 'built')
    expect(() => s.resolve('a/x', 'built')).to.throw(BuildError, 'cannot resolve a/x: it is built')
    expect(() => s.resolve('a/nope', 'built')).to.throw(BuildError, 'unknown unit a/nope')
    expect(() => new Scheduler([n('a/x', 'a/gone')])).to.throw(BuildError, 'a/x depends on unknown a/gone')
    expect(() => new Scheduler([n('a/x', 'a/y'), n('a/y', 'a/x')])).to.throw(BuildError, 'cycle')
  })

  // [seed, max dependencies per port]
  const trees: [number, number][] = [[1, 1], [2, 2], [3, 3], [4, 4], [5, 3], [6, 2]]
  for (const [seed, maxDeps] of trees) {
    it(`finishes 200 synthetic ports on 8 slots within 5% of the bound (seed ${seed}, ≤${maxDeps} deps)`, () => {
      const tree = syntheticTree(200, seed, maxDeps)
      expect(simulate(tree, 8).makespan).to.be.at.most(lowerBound(tree, 8) * 1.05)
    })
  }

  describe('runSchedule', () => {
    it('fills every slot, refills on completion, and uses the lowest free slot', async () => {
      const sched = new Scheduler([n('a/1'), n('a/2'), n('a/3'), n('a/4', 'a/1')])
      const log: string[] = []
      const gates = new Map<string, () => void>()
      const done = runSchedule(sched, {
        slots: 2,
        start: (id, slot) => new Promise<Outcome>((resolve) => {
          log.push(`start ${id}@${slot}`)
          gates.set(id, () => resolve('built'))
        }),
        onResolved: (id) => log.push(`end ${id}`),
      })
      expect(log).to.deep.equal(['start a/1@0', 'start a/2@1'])
      gates.get('a/2')!()
      await tick()
      expect(log.slice(2)).to.deep.equal(['end a/2', 'start a/3@1'])
      gates.get('a/1')!()
      await tick()
      expect(log.slice(4)).to.deep.equal(['end a/1', 'start a/4@0'])
      gates.get('a/3')!()
      gates.get('a/4')!()
      await done
      expect(sched.finished()).to.equal(true)
    })

    it('builds slot-less units (dummy nodes) without a slot', async () => {
      const sched = new Scheduler([n('a/x@1'), n('a/x@2'), n('a/x', 'a/x@1', 'a/x@2')])
      const started: string[] = []
      const resolved: string[] = []
      await runSchedule(sched, {
        slots: 1, needsSlot: (id) => id !== 'a/x',
        start: async (id) => { started.push(id); return 'built' },
        onResolved: (id) => resolved.push(id),
      })
      expect(started).to.deep.equal(['a/x@1', 'a/x@2'])
      expect(resolved).to.deep.equal(['a/x@1', 'a/x@2', 'a/x'])
    })

    it('stops starting ports on abort and resolves when the running ones end', async () => {
      const ctl = new AbortController()
      const sched = new Scheduler([n('a/1'), n('a/2'), n('a/3')])
      const started: string[] = []
      await runSchedule(sched, {
        slots: 1, signal: ctl.signal,
        start: async (id) => {
          started.push(id)
          ctl.abort()
          await tick()
          return 'failed'
        },
      })
      expect(started).to.deep.equal(['a/1'])
      expect(sched.unfinished()).to.deep.equal(['a/2', 'a/3'])
    })

    it('resolves at once when nothing is ready and nothing runs', async () => {
      await runSchedule(new Scheduler([]), {slots: 4, start: async () => 'built'})
    })
  })
})

const tick = () => new Promise((r) => setImmediate(r))
