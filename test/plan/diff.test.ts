import {readFileSync} from 'node:fs'
import {expect} from 'chai'
import type {DesiredState} from '../../src/layout/types.js'
import {parseMountTable} from '../../src/mounttable/parse.js'
import type {MountTable} from '../../src/mounttable/types.js'
import {diffSlots, type DiffOptions} from '../../src/plan/diff.js'
import type {Change, Plan, SlotState} from '../../src/plan/types.js'
import {BSD_HOST, bsd, bsdLine, desired, layer, layerAt} from './tables.js'

const SEED_TEXT = readFileSync(new URL('../fixtures/mounttables/seed-tripled.txt', import.meta.url), 'utf8')
/** The seed report: SL00 mounted three times, 8 builders, build base /build. */
const SEED = parseMountTable(SEED_TEXT, {source: 'seed-tripled.txt'})
const D8 = desired('dragonfly')
const D1 = desired('dragonfly', {builders: 1})
const D2 = desired('dragonfly', {builders: 2})
const APPLY: DiffOptions = {mode: 'apply', slotFilter: null}

/** A change in one short line: glyph, target, reason (and the layer of an unmount above layer 1). */
function brief(c: Change): string {
  const glyph = {mount: '+', unmount: '-', remount: '~'}[c.action]
  return `${glyph} ${c.target} ${c.reason}${c.action === 'unmount' && c.layer > 1 ? ` L${c.layer}` : ''}`
}

/** `name state` for every slot the plan shows. */
function states(plan: Plan): string[] {
  return plan.slotStates.map((s) => `${s.name} ${s.state}`)
}

/** Target paths of a generated layer, in table order. */
function targets(lines: readonly string[]): string[] {
  return lines.map((l) => l.slice(l.indexOf(' on ') + 4, l.lastIndexOf(' (')))
}

/** The slot paths the partial layers of the cases below hold: the root and five mounts. */
const SIX = ['/', '/boot', '/dev', '/proc', '/bin', '/sbin']

describe('plan/diff: diffSlots', () => {
  describe('the seed report (SL00 stacked three times, SL01..SL07 missing)', () => {
    const plan = diffSlots(D8, SEED, APPLY)

    it('plans exactly 44 unmounts, 154 mounts and no remount', () => {
      expect(plan.summary).to.deep.equal({mount: 154, remount: 0, unmount: 44})
      expect(plan.changes).to.have.length(198)
    })

    it('unmounts the two upper layers, newest first, all as stacked', () => {
      // GIVEN the table: 6 host lines, then layer 1 (lines 7..28), layer 2 (29..50), layer 3 (51..72)
      const slotTargets = SEED.mounts.slice(6).map((m) => m.target)
      // WHEN the plan is read in order
      const unmounts = plan.changes.filter((c) => c.action === 'unmount')
      // THEN they are the table's lines 29..72 in reverse, layer 3 before layer 2
      expect(unmounts.map((c) => c.target)).to.deep.equal(slotTargets.slice(22).reverse())
      expect(unmounts.map((c) => c.layer)).to.deep.equal([...Array(22).fill(3), ...Array(22).fill(2)])
      expect(new Set(unmounts.map((c) => c.reason))).to.deep.equal(new Set(['stacked']))
      expect(plan.changes.slice(0, 44).every((c) => c.action === 'unmount')).to.equal(true)
    })

    it('keeps layer 1 of SL00 and mounts the 22 mounts of SL01..SL07 in layout order', () => {
      const mounts = plan.changes.filter((c) => c.action === 'mount')
      expect(mounts.some((c) => c.slot === 'SL00')).to.equal(false)
      expect(mounts.map((c) => c.target)).to.deep.equal(D8.slots.slice(1).flatMap((s) => s.mounts.map((m) => m.target)))
      expect(new Set(mounts.map((c) => c.reason))).to.deep.equal(new Set(['missing']))
    })

    it('calls SL00 stacked (3 layers, 66 mounts) and SL01..SL07 missing', () => {
      expect(plan.slotStates[0]).to.deep.equal({name: 'SL00', index: 0, state: 'stacked', layers: 3, observed: 66, desired: 22, hidden: 0})
      expect(plan.slotStates.slice(1).map((s) => [s.name, s.state, s.layers, s.observed]))
        .to.deep.equal(['SL01', 'SL02', 'SL03', 'SL04', 'SL05', 'SL06', 'SL07'].map((n) => [n, 'missing', 0, 0]))
    })

    it('records every mount under the build base and a sha256 fingerprint', () => {
      expect(plan.observed).to.have.length(66)
      expect(plan.observed[0]).to.deep.equal({source: 'tmpfs', target: '/build/SL00', fstype: 'tmpfs', options: ['local', 'rw'], root: '/', dev: '', parent: -1})
      expect(plan.observed[22].parent, 'layer 2 root sits on layer 1 root').to.equal(0)
      expect(plan.fingerprint).to.match(/^sha256:[0-9a-f]{64}$/)
      expect([plan.formatVersion, plan.platform, plan.buildBase, plan.slots, plan.mode]).to.deep.equal([1, 'dragonfly', '/build', 8, 'apply'])
    })
  })

  describe('one slot against its layout: every reason', () => {
    const full = layer(D1, 'SL00')
    /** Replaces the line of one slot path. */
    const swap = (path: string, line: string) => layer(D1, 'SL00', {edit: (m, l) => (m.path === path ? line : l)})
    // [case, desired, table, plan summary [mount, remount, unmount], slot states, changes in order]
    const cases: Array<[string, DesiredState, MountTable, [number, number, number], string[], string[]]> = [
      ['clean slot', D1, bsd(BSD_HOST, full), [0, 0, 0], ['SL00 ok'], []],
      ['nothing mounted', D1, bsd(BSD_HOST), [22, 0, 0], ['SL00 missing'], D1.slots[0].mounts.map((m) => `+ ${m.target} missing`)],
      ['empty table', D1, bsd(), [22, 0, 0], ['SL00 missing'], D1.slots[0].mounts.map((m) => `+ ${m.target} missing`)],
      ['partial UPPER layer: layer 1 complete, layer 2 = root + 5 mounts', D1,
        bsd(BSD_HOST, full, layer(D1, 'SL00', {only: SIX})), [0, 0, 6], ['SL00 stacked'],
        [...SIX].reverse().map((p) => `- /build/SL00${p === '/' ? '' : p} stacked L2`)],
      ['foreign tmpfs inside the slot', D1, bsd(BSD_HOST, full, 'tmpfs on /build/SL00/tmp (tmpfs, local)'), [0, 0, 1],
        ['SL00 drifted'], ['- /build/SL00/tmp foreign']],
      ['foreign mount covering layout mounts (mounted last): only it goes', D1,
        bsd(BSD_HOST, full, '/usr on /build/SL00/usr (null, local)'), [0, 0, 1], ['SL00 drifted'], ['- /build/SL00/usr foreign']],
      ['wrong source: another directory at /xports', D1,
        bsd(BSD_HOST, swap('/xports', bsdLine('/usr/ports', '/build/SL00/xports', 'null', true))), [1, 0, 1], ['SL00 drifted'],
        ['- /build/SL00/xports wrong-source', '+ /build/SL00/xports wrong-source']],
      ['wrong fstype: a tmpfs at /xports', D1,
        bsd(BSD_HOST, swap('/xports', 'tmpfs on /build/SL00/xports (tmpfs, local)')), [1, 0, 1], ['SL00 drifted'],
        ['- /build/SL00/xports wrong-fstype', '+ /build/SL00/xports wrong-fstype']],
      ['wrong fstype: nullfs (FreeBSD) where DragonFly wants null', D1,
        bsd(BSD_HOST, swap('/bin', bsdLine('/bin', '/build/SL00/bin', 'nullfs', true))), [1, 0, 1], ['SL00 drifted'],
        ['- /build/SL00/bin wrong-fstype', '+ /build/SL00/bin wrong-fstype']],
      ['rw where the layout wants ro: remount', D1,
        bsd(BSD_HOST, swap('/xports', bsdLine('/build/synth/dports', '/build/SL00/xports', 'null', false))), [0, 1, 0], ['SL00 drifted'],
        ['~ /build/SL00/xports options']],
      ['ro where the layout wants rw: remount', D1,
        bsd(BSD_HOST, swap('/distfiles', bsdLine('/build/synth/distfiles', '/build/SL00/distfiles', 'null', true))), [0, 1, 0], ['SL00 drifted'],
        ['~ /build/SL00/distfiles options']],
      ['only mounts missing: partial', D1, bsd(BSD_HOST, layer(D1, 'SL00', {only: SIX})), [16, 0, 0], ['SL00 partial'],
        D1.slots[0].mounts.filter((m) => !SIX.includes(m.path)).map((m) => `+ ${m.target} missing`)],
      ['misplaced: a child on the host filesystem without the slot root', D1,
        bsd(BSD_HOST, bsdLine('/build/synth/dports', '/build/SL00/xports', 'null', true)), [22, 0, 1], ['SL00 drifted'],
        ['- /build/SL00/xports misplaced', ...D1.slots[0].mounts.map((m) => `+ ${m.target} ${m.path === '/xports' ? 'misplaced' : 'missing'}`)]],
      ['misplaced child next to a root that was mounted after it', D1,
        bsd(BSD_HOST, bsdLine('/build/synth/dports', '/build/SL00/xports', 'null', true), layer(D1, 'SL00', {only: ['/', '/bin']})),
        [22, 0, 3], ['SL00 drifted'],
        ['- /build/SL00/bin misplaced', '- /build/SL00 misplaced', '- /build/SL00/xports misplaced',
          ...D1.slots[0].mounts.map((m) => `+ ${m.target} ${['/', '/bin', '/xports'].includes(m.path) ? 'misplaced' : 'missing'}`)]],
    ]
    for (const [name, d, table, [mount, remount, unmount], slotStates, changes] of cases) {
      it(name, () => {
        const plan = diffSlots(d, table, APPLY)
        expect(plan.changes.map(brief)).to.deep.equal(changes)
        expect(plan.summary).to.deep.equal({mount, remount, unmount})
        expect(states(plan)).to.deep.equal(slotStates)
      })
    }

    it('partial LOWER layer: all of layer 2 goes, 16 mounts complete layer 1', () => {
      // GIVEN layer 1 = root + 5 mounts, and a full layer 2 mounted on top of it
      const lower = layer(D1, 'SL00', {only: SIX})
      const table = bsd(BSD_HOST, lower, full)
      // WHEN planned
      const plan = diffSlots(D1, table, APPLY)
      // THEN every mount of layer 2 is unmounted as stacked, newest first, and layer 1 is completed
      expect(plan.changes.filter((c) => c.action === 'unmount').map(brief)).to.deep.equal([...targets(full)].reverse().map((t) => `- ${t} stacked L2`))
      expect(plan.changes.filter((c) => c.action === 'mount').map(brief))
        .to.deep.equal(D1.slots[0].mounts.filter((m) => !SIX.includes(m.path)).map((m) => `+ ${m.target} missing`))
      expect(plan.summary).to.deep.equal({mount: 16, remount: 0, unmount: 22})
      expect(plan.slotStates[0]).to.include({state: 'stacked', layers: 2, observed: 28})
    })

    it('a layout mount sitting on a foreign mount is unmounted and mounted again', () => {
      // GIVEN a foreign null mount at /usr, mounted right after the root, so /usr/bin... sit on it
      const table = bsd(BSD_HOST, full[0], '/usr on /build/SL00/usr (null, local)', full.slice(1))
      // WHEN planned
      const plan = diffSlots(D1, table, APPLY)
      // THEN the foreign mount goes, and every layout mount on it is replaced (parent-replaced)
      const onUsr = D1.slots[0].mounts.filter((m) => m.path.startsWith('/usr/'))
      expect(onUsr.map((m) => m.path)).to.deep.equal(['/usr/bin', '/usr/include', '/usr/lib', '/usr/libdata', '/usr/libexec', '/usr/sbin',
        '/usr/share', '/usr/games', '/usr/local'])
      expect(plan.changes.map(brief)).to.deep.equal([
        ...[...onUsr].reverse().map((m) => `- ${m.target} parent-replaced`),
        '- /build/SL00/usr foreign',
        ...onUsr.map((m) => `+ ${m.target} parent-replaced`),
      ])
      expect(states(plan)).to.deep.equal(['SL00 drifted'])
    })

    it('a remount carries the desired options; an unmount the observed ones', () => {
      const table = bsd(BSD_HOST, swap('/xports', bsdLine('/build/synth/dports', '/build/SL00/xports', 'null', false)))
      const [c] = diffSlots(D1, table, APPLY).changes
      expect(c).to.deep.equal({action: 'remount', slot: 'SL00', target: '/build/SL00/xports', fstype: 'null', source: '/build/synth/dports',
        options: ['ro'], reason: 'options', layer: 1})
      const wrong = bsd(BSD_HOST, swap('/xports', bsdLine('/usr/ports', '/build/SL00/xports', 'null', true)))
      expect(diffSlots(D1, wrong, APPLY).changes).to.deep.equal([
        {action: 'unmount', slot: 'SL00', target: '/build/SL00/xports', fstype: 'null', source: '/usr/ports', options: ['local', 'ro'],
          reason: 'wrong-source', layer: 1},
        {action: 'mount', slot: 'SL00', target: '/build/SL00/xports', fstype: 'null', source: '/build/synth/dports', options: ['ro'],
          reason: 'wrong-source', layer: 0},
      ])
    })
  })

  describe('slots beyond Number_of_builders', () => {
    it('after shrinking to 2 builders, SL02 and SL03 are extra and every one of their mounts goes', () => {
      // GIVEN four full slots and Number_of_builders= 2
      const table = bsd(BSD_HOST, layerAt(D2, 'SL00'), layerAt(D2, 'SL01'), layerAt(D2, 'SL02'), layerAt(D2, 'SL03'))
      // WHEN planned
      const plan = diffSlots(D2, table, APPLY)
      // THEN SL03 then SL02 are unmounted, newest first, as extra-slot; SL00 and SL01 stay
      expect(states(plan)).to.deep.equal(['SL00 ok', 'SL01 ok', 'SL02 extra', 'SL03 extra'])
      expect(plan.changes.map(brief)).to.deep.equal([
        ...targets(layerAt(D2, 'SL03')).reverse().map((t) => `- ${t} extra-slot`),
        ...targets(layerAt(D2, 'SL02')).reverse().map((t) => `- ${t} extra-slot`),
      ])
      expect(plan.summary).to.deep.equal({mount: 0, remount: 0, unmount: 44})
      expect(plan.slotStates[2]).to.deep.equal({name: 'SL02', index: 2, state: 'extra', layers: 1, observed: 22, desired: 0, hidden: 0})
      expect(plan.slots).to.equal(2)
    })

    it('an extra slot that is also stacked is extra', () => {
      const plan = diffSlots(D1, bsd(layerAt(D1, 'SL00'), layerAt(D1, 'SL05'), layerAt(D1, 'SL05', {only: ['/']})), APPLY)
      expect(states(plan)).to.deep.equal(['SL00 ok', 'SL05 extra'])
      expect(plan.slotStates[1]).to.include({layers: 2, observed: 23})
      expect(plan.changes.every((c) => c.slot === 'SL05' && c.reason === 'extra-slot')).to.equal(true)
    })
  })

  describe('prefix traps: paths compare by whole components', () => {
    // [case, desired, table lines besides the host, plan summary [mount, remount, unmount], slot states]
    const cases: Array<[string, DesiredState, string[], [number, number, number], string[]]> = [
      ['/build/SL1 and /build/SL0, SL007, SLx, Template are not slots', D2,
        [...layerAt(D2, 'SL00'), ...layerAt(D2, 'SL01'), 'tmpfs on /build/SL1 (tmpfs, local)', '/bin on /build/SL1/bin (null, local)',
          'tmpfs on /build/SL0 (tmpfs, local)', 'tmpfs on /build/SL007 (tmpfs, local)', 'tmpfs on /build/SLx (tmpfs, local)',
          'tmpfs on /build/Template (tmpfs, local)', 'tmpfs on /build/sl02 (tmpfs, local)'],
        [0, 0, 0], ['SL00 ok', 'SL01 ok']],
      ['/build/SL10 is an extra slot, not part of SL1 (which is no slot) nor of SL01', D2,
        [...layerAt(D2, 'SL00'), ...layerAt(D2, 'SL01'), 'tmpfs on /build/SL1 (tmpfs, local)', 'tmpfs on /build/SL10 (tmpfs, local)',
          'tmpfs on /build/SL10/usr/local (tmpfs, local)'],
        [0, 0, 2], ['SL00 ok', 'SL01 ok', 'SL10 extra']],
      ['mounts at the build base itself and elsewhere below it are never touched', D2,
        ['tmpfs on /build (tmpfs, local)', '/build/synth/distfiles on /build/distfiles (null, local)', ...layerAt(D2, 'SL00'),
          ...layerAt(D2, 'SL01'), 'tmpfs on /build/synth (tmpfs, local)'],
        [0, 0, 0], ['SL00 ok', 'SL01 ok']],
      ['/build-old/SL00 and /buildSL00 are outside the build base', D2,
        [...layerAt(D2, 'SL00'), ...layerAt(D2, 'SL01'), ...layerAt(D2, 'SL00').map((l) => l.replace(' on /build/', ' on /build-old/')),
          'tmpfs on /build-old/SL00 (tmpfs, local)', 'tmpfs on /buildSL00 (tmpfs, local)'],
        [0, 0, 0], ['SL00 ok', 'SL01 ok']],
      ['build base /usr/obj/dsynth: /usr/obj/dsynth-old/SL00 (stacked) is not ours', desired('dragonfly', {builders: 1, buildbase: '/usr/obj/dsynth'}),
        [...layerAt(desired('dragonfly', {builders: 1, buildbase: '/usr/obj/dsynth-old'}), 'SL00'),
          ...layerAt(desired('dragonfly', {builders: 1, buildbase: '/usr/obj/dsynth-old'}), 'SL00'),
          'tmpfs on /usr/obj/dsynth-old/SL01 (tmpfs, local)'],
        [22, 0, 0], ['SL00 missing']],
      ['build base /usr/obj/dsynth-old: /usr/obj/dsynth/SL00 is not ours', desired('dragonfly', {builders: 1, buildbase: '/usr/obj/dsynth-old'}),
        [...layerAt(desired('dragonfly', {builders: 1, buildbase: '/usr/obj/dsynth'}), 'SL00'),
          ...layerAt(desired('dragonfly', {builders: 1, buildbase: '/usr/obj/dsynth-old'}), 'SL00')],
        [0, 0, 0], ['SL00 ok']],
    ]
    for (const [name, d, lines, [mount, remount, unmount], slotStates] of cases) {
      it(name, () => {
        const plan = diffSlots(d, bsd(BSD_HOST, lines), APPLY)
        expect(plan.summary).to.deep.equal({mount, remount, unmount})
        expect(states(plan)).to.deep.equal(slotStates)
        for (const c of plan.changes) expect(c.target.startsWith(`${d.buildBase}/SL`), c.target).to.equal(true)
      })
    }

    it('SL10 changes only touch /build/SL10, never /build/SL1', () => {
      const plan = diffSlots(D2, bsd(BSD_HOST, 'tmpfs on /build/SL1 (tmpfs, local)', 'tmpfs on /build/SL10 (tmpfs, local)'), APPLY)
      expect(plan.changes.filter((c) => c.action === 'unmount').map(brief)).to.deep.equal(['- /build/SL10 extra-slot'])
    })

    it('only mounts at or below the build base are recorded in the plan', () => {
      const plan = diffSlots(D2, bsd(BSD_HOST, 'tmpfs on /build (tmpfs, local)', 'tmpfs on /build-old/SL00 (tmpfs, local)',
        'tmpfs on /buildSL00 (tmpfs, local)', 'tmpfs on /build/SL1 (tmpfs, local)'), APPLY)
      expect(plan.observed.map((m) => m.target)).to.deep.equal(['/build', '/build/SL1'])
    })
  })

  describe('SL100 next to SL10', () => {
    const table = (d: DesiredState) => bsd(BSD_HOST, layerAt(d, 'SL10'), layerAt(d, 'SL100'))
    // [Number_of_builders, state of SL10, state of SL100, plan summary [mount, remount, unmount]]
    const cases: Array<[number, SlotState, SlotState, [number, number, number]]> = [
      [101, 'ok', 'ok', [99 * 22, 0, 0]],
      [11, 'ok', 'extra', [10 * 22, 0, 22]],
      [100, 'ok', 'extra', [99 * 22, 0, 22]],
    ]
    for (const [builders, sl10, sl100, [mount, remount, unmount]] of cases) {
      it(`Number_of_builders ${builders}: SL10 ${sl10}, SL100 ${sl100}`, () => {
        const d = desired('dragonfly', {builders})
        const plan = diffSlots(d, table(d), APPLY)
        const byName = new Map(plan.slotStates.map((s) => [s.name, s]))
        expect(byName.get('SL10')).to.include({state: sl10, observed: 22, layers: 1})
        expect(byName.get('SL100')).to.include({state: sl100, observed: 22, layers: 1})
        expect(plan.summary).to.deep.equal({mount, remount, unmount})
        for (const c of plan.changes.filter((c) => c.action === 'unmount')) expect(c.target).to.match(/^\/build\/SL100(\/|$)/)
      })
    }

    it('slot names in the plan run SL00..SL99, SL100 in index order', () => {
      const plan = diffSlots(desired('dragonfly', {builders: 101}), bsd(), APPLY)
      expect(plan.slotStates.map((s) => s.name).slice(98)).to.deep.equal(['SL98', 'SL99', 'SL100'])
      expect(plan.changes.at(-1)!.target).to.equal('/build/SL100/usr/local')
    })
  })

  it('FreeBSD: a clean slot read from `mount -p` output (fstab format) plans nothing; DragonFly\'s `null` there is replaced', () => {
    const d = desired('freebsd', {builders: 1})
    const lines = d.slots[0].mounts.map((m) => `${m.source}\t${m.target}\t${m.fstype}\t${m.readonly ? 'ro' : 'rw'}\t0 0`)
    const table = parseMountTable(lines.join('\n'), {source: 'mount -p'})
    expect(table.format).to.equal('bsd-mount-p')
    expect(diffSlots(d, table, APPLY).changes).to.deep.equal([])
    const dfly = parseMountTable(lines.map((l) => l.replace('\tnullfs\t', '\tnull\t')).join('\n'))
    expect(diffSlots(d, dfly, APPLY).summary).to.deep.equal({mount: 16, remount: 0, unmount: 16})
  })

  it('ccache on: 23 mounts per slot, /ccache last', () => {
    const d = desired('dragonfly', {builders: 1, ccache: '/build/synth/ccache'})
    const plan = diffSlots(d, bsd(BSD_HOST), APPLY)
    expect(plan.summary).to.deep.equal({mount: 23, remount: 0, unmount: 0})
    expect(plan.changes.at(-1)).to.deep.include({action: 'mount', target: '/build/SL00/ccache', fstype: 'null', source: '/build/synth/ccache',
      options: ['rw']})
    // a slot mounted without /ccache is partial once ccache is turned on
    expect(states(diffSlots(d, bsd(BSD_HOST, layer(D1, 'SL00')), APPLY))).to.deep.equal(['SL00 partial'])
  })

  describe('--slot limits the plan', () => {
    // [filter, slots shown, plan summary [mount, remount, unmount]]
    const cases: Array<[string[], string[], [number, number, number]]> = [
      [['SL03'], ['SL03 missing'], [22, 0, 0]],
      [['SL00'], ['SL00 stacked'], [0, 0, 44]],
      [['SL07', 'SL00'], ['SL00 stacked', 'SL07 missing'], [22, 0, 44]],
      [['SL42'], [], [0, 0, 0]],
    ]
    for (const [filter, shown, [mount, remount, unmount]] of cases) {
      it(filter.join(' '), () => {
        const plan = diffSlots(D8, SEED, {mode: 'apply', slotFilter: filter})
        expect(states(plan)).to.deep.equal(shown)
        expect(plan.summary).to.deep.equal({mount, remount, unmount})
        expect(plan.changes.every((c) => filter.includes(c.slot))).to.equal(true)
        expect(plan.slotFilter).to.deep.equal(filter)
      })
    }
  })

  describe('--destroy', () => {
    it('unmounts every mount of every slot, newest first, as destroy', () => {
      const plan = diffSlots(D8, SEED, {mode: 'destroy', slotFilter: null})
      expect(plan.changes.map(brief)).to.deep.equal(SEED.mounts.slice(6).reverse()
        .map((m, i) => `- ${m.target} destroy${i < 22 ? ' L3' : i < 44 ? ' L2' : ''}`))
      expect(plan.summary).to.deep.equal({mount: 0, remount: 0, unmount: 66})
      expect(plan.mode).to.equal('destroy')
    })

    it('also removes extra slots, and keeps describing each slot against its layout', () => {
      const table = bsd(BSD_HOST, layerAt(D2, 'SL00'), layer(D2, 'SL01', {only: SIX}), layerAt(D2, 'SL03'))
      const plan = diffSlots(D2, table, {mode: 'destroy', slotFilter: null})
      expect(states(plan)).to.deep.equal(['SL00 ok', 'SL01 partial', 'SL03 extra'])
      expect(plan.summary).to.deep.equal({mount: 0, remount: 0, unmount: 22 + 6 + 22})
      expect(new Set(plan.changes.map((c) => c.reason))).to.deep.equal(new Set(['destroy']))
    })

    it('with nothing mounted plans nothing', () => {
      const plan = diffSlots(D8, bsd(BSD_HOST), {mode: 'destroy', slotFilter: null})
      expect(plan.changes).to.deep.equal([])
      expect(new Set(states(plan).map((s) => s.split(' ')[1]))).to.deep.equal(new Set(['missing']))
    })
  })

  describe('slot state: the first that applies of extra, stacked, missing, drifted, partial, ok', () => {
    const rw = (path: string) => (m: {path: string}, l: string) => (m.path === path ? l.replace(', read-only', '') : l)
    // [case, table lines (besides the host) for Number_of_builders= 1 plus extra slots, state of each slot]
    const cases: Array<[string, string[], string[]]> = [
      ['extra beats stacked', [...layerAt(D1, 'SL00'), ...layerAt(D1, 'SL01'), ...layerAt(D1, 'SL01')], ['SL00 ok', 'SL01 extra']],
      ['stacked beats drifted', [...layer(D1, 'SL00', {edit: rw('/xports')}), ...layer(D1, 'SL00', {only: ['/']})], ['SL00 stacked']],
      ['stacked beats partial', [...layer(D1, 'SL00', {only: SIX}), ...layer(D1, 'SL00', {only: ['/']})], ['SL00 stacked']],
      ['missing: no mounts at all', [], ['SL00 missing']],
      ['drifted beats partial (remount)', layer(D1, 'SL00', {only: SIX, edit: rw('/proc')}), ['SL00 drifted']],
      ['drifted beats partial (foreign)', [...layer(D1, 'SL00', {only: SIX}), 'tmpfs on /build/SL00/tmp (tmpfs, local)'], ['SL00 drifted']],
      ['partial: only mounts missing', layer(D1, 'SL00', {only: ['/']}), ['SL00 partial']],
      ['ok', layer(D1, 'SL00'), ['SL00 ok']],
    ]
    for (const [name, lines, want] of cases) {
      it(name, () => {
        expect(states(diffSlots(D1, bsd(BSD_HOST, lines), APPLY))).to.deep.equal(want)
      })
    }
  })

  describe('order, purity and plain data', () => {
    const D3 = desired('dragonfly', {builders: 3})
    const flip = (...paths: string[]) => (m: {path: string}, l: string) => (!paths.includes(m.path) ? l
      : l.includes(', read-only') ? l.replace(', read-only', '') : l.replace(', local)', ', read-only, local)'))
    /** Drift in every slot, mounted in an order that is neither slot nor path order. */
    const MIXED = bsd(BSD_HOST,
      layer(D3, 'SL01', {edit: flip('/xports')}),
      layer(D3, 'SL00', {edit: (m, l) => (m.path === '/usr/local' ? null : flip('/usr/share', '/options')(m, l))}),
      'tmpfs on /build/SL00/tmp (tmpfs, local)',
      layer(D3, 'SL02', {only: ['/']}),
      'tmpfs on /build/SL01/tmp (tmpfs, local)',
      layerAt(D3, 'SL03', {only: ['/', '/bin']}))

    it('unmounts strictly newest first across slots, then remounts by slot and path, then mounts by slot in layout order', () => {
      const plan = diffSlots(D3, MIXED, APPLY)
      expect(plan.changes.map(brief)).to.deep.equal([
        '- /build/SL03/bin extra-slot', '- /build/SL03 extra-slot', '- /build/SL01/tmp foreign', '- /build/SL00/tmp foreign',
        '~ /build/SL00/options options', '~ /build/SL00/usr/share options', '~ /build/SL01/xports options',
        '+ /build/SL00/usr/local missing',
        ...D3.slots[2].mounts.slice(1).map((m) => `+ ${m.target} missing`),
      ])
      expect(states(plan)).to.deep.equal(['SL00 drifted', 'SL01 drifted', 'SL02 partial', 'SL03 extra'])
    })

    it('is deterministic: the same inputs give the same plan', () => {
      expect(diffSlots(D3, MIXED, APPLY)).to.deep.equal(diffSlots(D3, MIXED, APPLY))
    })

    // [case, desired, table, options]
    const inputs: Array<[string, DesiredState, MountTable, DiffOptions]> = [
      ['seed', D8, SEED, APPLY],
      ['seed --destroy', D8, SEED, {mode: 'destroy', slotFilter: null}],
      ['seed --slot SL00 SL03', D8, SEED, {mode: 'apply', slotFilter: ['SL00', 'SL03'], warnings: ['w']}],
      ['mixed drift', D3, MIXED, APPLY],
      ['extra slots', D2, bsd(BSD_HOST, layerAt(D2, 'SL00'), layerAt(D2, 'SL03')), APPLY],
    ]
    for (const [name, d, table, opts] of inputs) {
      it(`${name}: does not mutate its (deep-frozen) inputs`, () => {
        // GIVEN deep-frozen copies of the inputs, and untouched snapshots of them
        const frozen = deepFreeze(structuredClone({d, table, opts}))
        const before = structuredClone(frozen)
        // WHEN diffed (writing to a frozen object throws in an ES module)
        const plan = diffSlots(frozen.d, frozen.table, frozen.opts)
        // THEN nothing changed, and the plan is the one of the unfrozen inputs
        expect(frozen).to.deep.equal(before)
        expect(plan).to.deep.equal(diffSlots(d, table, opts))
        // and the option lists it shares with its inputs cannot be changed through it
        for (const o of [...plan.changes, ...plan.observed]) expect(() => (o.options as string[]).push('x')).to.throw(TypeError)
      })

      it(`${name}: the plan is plain data (JSON round trip deep-equals it)`, () => {
        const plan = diffSlots(d, table, opts)
        expect(JSON.parse(JSON.stringify(plan))).to.deep.equal(plan)
      })
    }
  })
})

/** Freezes `o` and everything reachable from it. */
function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o)
    for (const v of Object.values(o)) deepFreeze(v)
  }
  return o
}
