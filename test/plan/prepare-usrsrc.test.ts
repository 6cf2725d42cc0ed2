import {expect} from 'chai'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {preparePlan, tableShowsUsrSrc} from '../../src/plan/prepare.js'
import {FakePlatform} from '../helpers/fake-platform.js'
import {BSD_HOST, bsd, config, desired, layer} from './tables.js'

/** With --mounts nothing is probed: whether slots mount /usr/src is read from the captured table itself. */
describe('plan/prepare: /usr/src with a captured table', () => {
  const withSrc = desired('dragonfly', {builders: 2}, true)
  const without = desired('dragonfly', {builders: 2}, false)

  it('reads /usr/src from a slot that mounts $SYS/usr/src, never from other paths', () => {
    expect(tableShowsUsrSrc(bsd(BSD_HOST, layer(withSrc, 'SL00')), '/build', '/')).to.equal(true)
    expect(tableShowsUsrSrc(bsd(BSD_HOST, layer(without, 'SL00')), '/build', '/')).to.equal(false)
    // a /usr/src mounted outside the slots, or at a non-slot name, says nothing
    expect(tableShowsUsrSrc(bsd(BSD_HOST, '/usr/src on /build/SL0/usr/src (null, local, read-only)', '/usr/src on /mnt/usr/src (null, local)'), '/build', '/')).to.equal(false)
  })

  for (const [name, d, changes] of [['a table with /usr/src in SL00: SL01 gets it too', withSrc, 23], ['a table without: nobody gets it', without, 22]] as const) {
    it(name, async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'dsynth-usrsrc-'))
      try {
        const file = path.join(dir, 'mounts.txt')
        await writeFile(file, [...BSD_HOST, ...layer(d, 'SL00')].join('\n') + '\n')
        const {plan} = await preparePlan({config: config({builders: 2}), platformName: 'dragonfly', platform: new FakePlatform(), mountsFile: file, mode: 'apply'})
        // THEN SL00 is ok as captured, and SL01 is planned with the same layout
        expect(plan.slotStates.map((s) => s.state)).to.deep.equal(['ok', 'missing'])
        expect(plan.summary.mount).to.equal(changes)
      } finally {
        await rm(dir, {recursive: true, force: true})
      }
    })
  }
})
