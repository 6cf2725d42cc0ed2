import {expect} from 'chai'

import {derivePathParents, resolveIdParents} from '../../src/mounttable/parents.js'
import {parseMountTable} from '../../src/mounttable/parse.js'
import {fixture} from './helpers.js'

describe('mounttable/parents', () => {
  describe('seed-tripled: 3 layers of 22 mounts on /build/SL00', () => {
    const t = parseMountTable(fixture('seed-tripled.txt'), {source: 'seed-tripled.txt'})
    const at = (target: string) => t.mounts.filter((m) => m.target === target)
    const roots = at('/build/SL00')

    it('has 72 mounts: 6 host + 3 × 22, each layer root at the same target', () => {
      expect(t.mounts).to.have.length(72)
      expect(roots.map((m) => m.seq)).to.deep.equal([6, 28, 50])
      expect(t.mounts.every((m) => m.id === m.seq)).to.equal(true)
    })

    it('stacks each root tmpfs on the one before; the first sits on /', () => {
      expect(roots.map((m) => m.parent)).to.deep.equal([0, 6, 28])
      expect(t.mounts[0]).to.include({target: '/', parent: null})
    })

    it('hangs every mount of a layer off that layer root, not off the same path of an older layer', () => {
      for (const [layer, root] of roots.entries()) {
        const mounts = t.mounts.slice(root.seq + 1, root.seq + 22)
        expect(mounts, `layer ${layer + 1}`).to.have.length(21)
        for (const m of mounts) expect(m.parent, `${m.target} of layer ${layer + 1}`).to.equal(root.seq)
      }
      expect(at('/build/SL00/usr/local').map((m) => m.parent)).to.deep.equal([6, 28, 50])
    })

    it('puts host mounts on /', () => {
      expect(t.mounts.slice(1, 6).map((m) => [m.target, m.parent])).to.deep.equal([
        ['/dev', 0], ['/boot', 0], ['/var', 0], ['/proc', 0], ['/tmp', 0],
      ])
    })
  })

  describe('derivePathParents', () => {
    // [targets in mount order, expected parent seqs]: prefix traps compare whole components
    const cases: [string, string[], (number | null)[]][] = [
      ['/build/SL1 is not inside /build/SL10', ['/build/SL10', '/build/SL1', '/build/SL1/dev', '/build/SL10/dev'], [null, null, 1, 0]],
      ['/build-old is not inside /build', ['/build', '/build-old', '/build-old/SL00', '/build/SL00'], [null, null, 1, 0]],
      ['/build/SL00x is not inside /build/SL00', ['/build/SL00', '/build/SL00x'], [null, null]],
      ['nearest ancestor wins', ['/', '/build', '/build/SL00', '/build/SL00/usr/local'], [null, 0, 1, 2]],
      ['same target stacks on the latest', ['/a', '/a', '/a'], [null, 0, 1]],
      ['a later mount at an ancestor hides older deeper ones', ['/a', '/a/b', '/a', '/a/b', '/a/b/c'], [null, 0, 0, 2, 3]],
      ['a mount covering an older child stacks on the covering root', ['/a/b', '/a', '/a/b'], [null, null, 1]],
      ['trailing and doubled slashes compare by component', ['/a/', '//a//b'], [null, 0]],
      ['/ is everyone\'s ancestor, and stacks on itself', ['/', '/x', '/'], [null, 0, 0]],
    ]
    for (const [name, targets, parents] of cases) {
      it(name, () => {
        expect(derivePathParents(targets)).to.deep.equal(parents)
      })
    }

    it('applies through parseMountTable to the FreeBSD fixture: /build/SL01/usr/* hang off SL01, /build off /', () => {
      const t = parseMountTable(fixture('freebsd-slots.txt'))
      const seqOf = (target: string) => t.mounts.findLast((m) => m.target === target)?.seq
      expect(t.mounts.find((m) => m.target === '/build')?.parent).to.equal(0)
      expect(t.mounts.find((m) => m.target === '/build/SL01')?.parent).to.equal(seqOf('/build'))
      expect(t.mounts.find((m) => m.target === '/build/SL01/usr/src')?.parent).to.equal(seqOf('/build/SL01'))
      expect(t.mounts.find((m) => m.target === '/build/SL00/boot/modules.local')?.parent).to.equal(seqOf('/build/SL00/boot'))
      expect(t.mounts.find((m) => m.target === '/usr/home/alice/Media Library')?.parent).to.equal(seqOf('/usr/home'))
    })

    it('is linear: 200,000 slot mounts under one base in well under a second', () => {
      const targets = Array.from({length: 200_000}, (_, i) => `/build/SL${Math.floor(i / 20)}${i % 20 === 0 ? '' : '/m' + (i % 20)}`)
      const t0 = performance.now()
      const parents = derivePathParents(targets)
      expect(performance.now() - t0).to.be.below(1000)
      expect(parents[21]).to.equal(20)
    })
  })

  describe('resolveIdParents', () => {
    // [ids, parent ids, result]
    const cases: [number[], number[], ReturnType<typeof resolveIdParents>][] = [
      [[1, 2, 3], [0, 1, 2], {ok: true, parents: [null, 1, 2]}],
      [[5], [5], {ok: true, parents: [null]}],
      [[3, 2], [2, 9], {ok: true, parents: [2, null]}],
      [[1, 1], [0, 0], {ok: false, index: 1, reason: 'duplicate mount id 1'}],
      [[1, 2, 3], [3, 1, 2], {ok: false, index: 0, reason: 'parent ids form a cycle through mount id 1'}],
    ]
    for (const [ids, parentIds, result] of cases) {
      it(`${JSON.stringify(ids)} / ${JSON.stringify(parentIds)}`, () => {
        expect(resolveIdParents(ids, parentIds)).to.deep.equal(result)
      })
    }
  })
})
