import {expect} from 'chai'
import {diffSlots} from '../../src/plan/diff.js'
import {BSD_HOST, bsd, bsdLine, desired, layer, Mountinfo} from './tables.js'

/**
 * A filesystem mounted at the build base (or above it) after slots were mounted covers them: the kernel still lists
 * them, but no path reaches them. The plan keeps them out of the slot, never plans an action on them, and says so.
 */
const D1 = desired('dragonfly', {builders: 1})
const APPLY = {mode: 'apply', slotFilter: null} as const
const LATE_BUILD = bsdLine('tmpfs', '/build', 'tmpfs')

describe('plan/diff: slot mounts hidden under a later mount of the build base', () => {
  it('a slot, then /build mounted over it, then the slot again: the visible layer is the slot; nothing to do', () => {
    // GIVEN SL00 mounted, a late tmpfs on /build covering it, and SL00 mounted again on the new /build
    const plan = diffSlots(D1, bsd(BSD_HOST, layer(D1, 'SL00'), LATE_BUILD, layer(D1, 'SL00')), APPLY)
    // THEN the hidden layer is neither stacked nor planned: the visible one is complete
    expect(plan.changes).to.deep.equal([])
    expect(plan.slotStates).to.deep.equal([{name: 'SL00', index: 0, state: 'ok', layers: 1, observed: 22, desired: 22, hidden: 22}])
    expect(plan.warnings).to.deep.equal(['SL00: 22 mount(s) hidden under /build (tmpfs tmpfs, mounted after them): '
      + 'they cannot be reached or unmounted while it is mounted, and are left alone'])
    // AND the record of what was observed still holds all 44 (a change under the hidden layer makes a saved plan stale)
    expect(plan.observed.filter((m) => m.target.startsWith('/build/SL00'))).to.have.length(44)
  })

  it('a slot, then /build mounted over it: the slot is missing and mounted afresh on the new /build', () => {
    const plan = diffSlots(D1, bsd(BSD_HOST, layer(D1, 'SL00'), LATE_BUILD), APPLY)
    expect(plan.summary).to.deep.equal({mount: 22, remount: 0, unmount: 0})
    expect(plan.slotStates[0]).to.include({state: 'missing', observed: 0, hidden: 22})
  })

  it('--destroy plans nothing for hidden mounts (they cannot be unmounted by path)', () => {
    const plan = diffSlots(D1, bsd(BSD_HOST, layer(D1, 'SL00'), LATE_BUILD, layer(D1, 'SL00')), {mode: 'destroy', slotFilter: null})
    expect(plan.summary).to.deep.equal({mount: 0, remount: 0, unmount: 22})
    expect(plan.changes.map((c) => c.layer)).to.deep.equal(Array(22).fill(1))
  })

  it('a mount above the build base made after the slots hides them too; one made before hides nothing', () => {
    const late = diffSlots(D1, bsd(BSD_HOST, layer(D1, 'SL00'), bsdLine('/dev/da1', '/', 'ufs')), APPLY)
    expect(late.slotStates[0]).to.include({hidden: 22, observed: 0})
    const early = diffSlots(D1, bsd(BSD_HOST, LATE_BUILD, layer(D1, 'SL00')), APPLY)
    expect(early.slotStates[0]).to.include({state: 'ok', hidden: 0, observed: 22})
    expect(early.warnings).to.deep.equal([])
  })

  it('a later mount of a prefix-sharing sibling (/build-old) or of a directory inside the base hides nothing', () => {
    const t = bsd(BSD_HOST, layer(D1, 'SL00'), bsdLine('tmpfs', '/build-old', 'tmpfs'), bsdLine('tmpfs', '/build/Template', 'tmpfs'))
    expect(diffSlots(D1, t, APPLY).slotStates[0]).to.include({state: 'ok', hidden: 0})
  })

  it('Linux: the parent ids show the old layer on the covered /build; the new one is the slot', () => {
    const D = desired('linux', {builders: 1})
    // GIVEN SL00 on the host's /, then a tmpfs mounted on /build, then SL00 again on that tmpfs
    const mi = new Mountinfo()
    mi.slot(D, 'SL00')
    const late = mi.add({parent: mi.rootId, dev: '0:90', root: '/', target: '/build', fstype: 'tmpfs', source: 'tmpfs'})
    const lines = mi.lines.length
    mi.slot(D, 'SL00', {edit: (m, info) => (m.path === '/' ? {...info, parent: late} : info)})
    // the second layer's root sits on the late /build tmpfs, the first layer's on the host's /
    expect(mi.lines[lines]).to.match(new RegExp(`^\\d+ ${late} `))
    expect(mi.lines.find((l) => l.includes(' /build/SL00 '))).to.match(new RegExp(`^\\d+ ${mi.rootId} `))
    const plan = diffSlots(D, mi.table(), APPLY)
    // THEN only the visible layer is planned: its binds of /build/synth/... were made from the covered /build, while
    // those paths now lie in the late tmpfs, so they are replaced; the hidden layer is left alone
    expect(plan.slotStates[0]).to.include({state: 'drifted', observed: 22, hidden: 22, layers: 1})
    expect(plan.changes.map((c) => `${c.action} ${c.target.slice('/build/SL00'.length)} ${c.reason}`)).to.deep.equal([
      'unmount /distfiles wrong-source', 'unmount /packages wrong-source', 'unmount /options wrong-source', 'unmount /xports wrong-source',
      'mount /xports wrong-source', 'mount /options wrong-source', 'mount /packages wrong-source', 'mount /distfiles wrong-source'])
  })
})
