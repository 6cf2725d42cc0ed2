import {expect} from 'chai'
import fc from 'fast-check'
import {type Keyed, orderChanges} from '../../src/plan/order.js'
import type {Action} from '../../src/plan/types.js'

/** A keyed change with only what ordering looks at. */
function k(action: Action, slotIndex: number, target: string, seq: number): Keyed {
  return {seq, slotIndex, change: {action, slot: `SL0${slotIndex}`, target, fstype: 'tmpfs', source: 'tmpfs', options: [], reason: 'missing', layer: 0}}
}

/** `glyph target` of each change, in order. */
function show(keyed: readonly Keyed[]): string[] {
  return orderChanges(keyed).map((c) => `${{mount: '+', unmount: '-', remount: '~'}[c.action]} ${c.target}`)
}

describe('plan/order: orderChanges', () => {
  // [case, input, expected order]
  const cases: Array<[string, Keyed[], string[]]> = [
    ['unmounts newest first whatever the slot', [k('unmount', 0, '/b/SL00', 3), k('unmount', 1, '/b/SL01/x', 9), k('unmount', 0, '/b/SL00/y', 5)],
      ['- /b/SL01/x', '- /b/SL00/y', '- /b/SL00']],
    ['then remounts by slot, then path (not table order)', [k('remount', 1, '/b/SL01/a', 1), k('remount', 0, '/b/SL00/z', 2),
      k('remount', 0, '/b/SL00/a', 7)], ['~ /b/SL00/a', '~ /b/SL00/z', '~ /b/SL01/a']],
    ['then mounts by slot, then layout order (parent before child)', [k('mount', 1, '/b/SL01', 0), k('mount', 0, '/b/SL00/usr/bin', 8),
      k('mount', 0, '/b/SL00', 0), k('mount', 1, '/b/SL01/bin', 4)], ['+ /b/SL00', '+ /b/SL00/usr/bin', '+ /b/SL01', '+ /b/SL01/bin']],
    ['actions in the order unmount, remount, mount', [k('mount', 0, '/b/SL00', 0), k('remount', 0, '/b/SL00/x', 1),
      k('unmount', 0, '/b/SL00/y', 2)], ['- /b/SL00/y', '~ /b/SL00/x', '+ /b/SL00']],
    ['nothing to do', [], []],
  ]
  for (const [name, input, want] of cases) {
    it(name, () => {
      expect(show(input)).to.deep.equal(want)
      expect(show([...input].reverse()), 'independent of input order').to.deep.equal(want)
    })
  }

  it('does not mutate its input', () => {
    const input = Object.freeze([k('mount', 0, '/b/SL00/x', 2), k('unmount', 0, '/b/SL00/y', 1)])
    orderChanges(input)
    expect(input.map((x) => x.change.target)).to.deep.equal(['/b/SL00/x', '/b/SL00/y'])
  })

  it('the linear path gives exactly the order of the one comparison sort, for any input (fast path and fallback)', () => {
    const rank = {unmount: 0, remount: 1, mount: 2} as const
    const reference = (keyed: readonly Keyed[]) => [...keyed].sort((a, b) => {
      const ra = rank[a.change.action]
      const rb = rank[b.change.action]
      if (ra !== rb) return ra - rb
      if (a.change.action === 'unmount') return b.seq - a.seq
      if (a.slotIndex !== b.slotIndex) return a.slotIndex - b.slotIndex
      if (a.change.action === 'remount') return a.change.target < b.change.target ? -1 : a.change.target > b.change.target ? 1 : 0
      return a.seq - b.seq
    }).map((x) => x.change)
    const item = fc.record({action: fc.constantFrom<Action>('mount', 'unmount', 'remount'), slot: fc.nat(6), target: fc.constantFrom('a', 'b', 'c', 'd'), seq: fc.nat(40)})
    fc.assert(fc.property(fc.array(item, {maxLength: 60}), fc.boolean(), (items, slotOrdered) => {
      // diffSlots' shape: slots ascending, distinct table positions for unmounts; otherwise anything
      const list = slotOrdered ? [...items].sort((a, b) => a.slot - b.slot) : items
      const seen = new Set<number>()
      const keyed = list.map((x, i) => {
        const seq = slotOrdered && x.action === 'unmount' ? (seen.has(x.seq) ? 1000 + i : x.seq) : x.seq
        seen.add(seq)
        return k(x.action, x.slot, `/b/SL0${x.slot}/${x.target}`, seq)
      })
      // equal keys may come out in either order from either sort: compare the key sequences
      const key = (c: Keyed['change']) => `${c.action} ${c.slot} ${c.target}`
      const got = orderChanges(keyed)
      const want = reference(keyed)
      expect(got.map(key)).to.deep.equal(want.map(key))
      expect(got).to.have.length(keyed.length)
    }), {numRuns: 2000})
  })
})
