import {expect} from 'chai'
import type {DesiredState} from '../../src/layout/types.js'
import type {MountTable} from '../../src/mounttable/types.js'
import {diffSlots} from '../../src/plan/diff.js'
import {BSD_HOST, bsd, desired, layer} from './tables.js'

const APPLY = {mode: 'apply', slotFilter: null} as const
const D = desired('dragonfly', {builders: 2})
const SLOT = layer(D, 'SL00')
const BASE = bsd(BSD_HOST, SLOT)

function fingerprint(d: DesiredState, table: MountTable, mode: 'apply' | 'destroy' = 'apply'): string {
  return diffSlots(d, table, {mode, slotFilter: null}).fingerprint
}

describe('plan/fingerprint: what a saved plan was computed from', () => {
  const base = fingerprint(D, BASE)

  it('is a sha256, the same for the same inputs', () => {
    expect(base).to.match(/^sha256:[0-9a-f]{64}$/)
    expect(fingerprint(D, bsd(BSD_HOST, SLOT))).to.equal(base)
  })

  // [case, desired, table, mode]: each must change the fingerprint
  const changes: Array<[string, DesiredState, MountTable, ('apply' | 'destroy')?]> = [
    ['Number_of_builders', desired('dragonfly', {builders: 3}), BASE],
    ['Directory_portsdir', desired('dragonfly', {builders: 2, portsdir: '/usr/dports'}), BASE],
    ['Directory_ccache turned on', desired('dragonfly', {builders: 2, ccache: '/build/ccache'}), BASE],
    ['the platform', desired('freebsd', {builders: 2}), BASE],
    ['a slot mount remounted rw', D, bsd(BSD_HOST, SLOT.map((l) => l.replace('(null, read-only, local)', '(null, local)')))],
    ['a slot mount with another source', D, bsd(BSD_HOST, SLOT.map((l) => l.replace('/build/synth/dports on', '/usr/ports on')))],
    ['one more layer', D, bsd(BSD_HOST, SLOT, SLOT[0])],
    ['one mount fewer', D, bsd(BSD_HOST, SLOT.slice(0, -1))],
    ['a mount at the build base itself', D, bsd(BSD_HOST, 'tmpfs on /build (tmpfs, local)', SLOT)],
    ['a mount below the build base outside the slots', D, bsd(BSD_HOST, SLOT, '/x on /build/distfiles (null, local)')],
    ['a mount in a directory that is no slot', D, bsd(BSD_HOST, SLOT, 'tmpfs on /build/SL1 (tmpfs, local)')],
    ['the same mounts in another order', D, bsd(BSD_HOST, SLOT[0], SLOT.slice(2), SLOT[1])],
    ['--destroy', D, BASE, 'destroy'],
  ]
  for (const [name, d, table, mode] of changes) {
    it(`changes with ${name}`, () => {
      expect(fingerprint(d, table, mode)).to.not.equal(base)
    })
  }

  // [case, table]: none of these may change it
  const same: Array<[string, MountTable]> = [
    ['a host mount outside the build base', bsd(BSD_HOST, SLOT, 'tmpfs on /mnt/cdrom (tmpfs, local)')],
    ['/build-old/SL00 (a prefix of the build base, not below it)', bsd(BSD_HOST, 'tmpfs on /build-old/SL00 (tmpfs, local)', SLOT)],
    ['other host mounts', bsd(BSD_HOST.slice(0, 2), SLOT)],
  ]
  for (const [name, table] of same) {
    it(`does not change with ${name}`, () => {
      expect(fingerprint(D, table)).to.equal(base)
    })
  }

  it('is well defined when no slot is mounted, and still covers the configuration', () => {
    const empty = fingerprint(D, bsd(BSD_HOST))
    expect(empty).to.match(/^sha256:[0-9a-f]{64}$/)
    expect(fingerprint(D, bsd())).to.equal(empty)
    expect(empty).to.not.equal(base)
    expect(fingerprint(desired('dragonfly', {builders: 3}), bsd(BSD_HOST))).to.not.equal(empty)
  })
})
