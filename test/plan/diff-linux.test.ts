import {expect} from 'chai'
import type {MountSpec} from '../../src/layout/types.js'
import {diffSlots} from '../../src/plan/diff.js'
import type {Change} from '../../src/plan/types.js'
import {desired, type InfoMount, Mountinfo} from './tables.js'

/**
 * Linux slots through /proc/self/mountinfo. A bind shows the filesystem it comes from (`ext4`, its major:minor) and
 * the bound directory as the root field, so `/usr/bin` bound from the host's `/` (254:0) reads `254:0 /usr/bin`;
 * the plan identifies binds by that (dev, root) pair, worked out from the host mount that holds the source.
 */

const D = desired('linux', {builders: 1})
const APPLY = {mode: 'apply', slotFilter: null} as const

function brief(c: Change): string {
  return `${{mount: '+', unmount: '-', remount: '~'}[c.action]} ${c.target} ${c.reason}`
}

/** Edits the mount at one slot path. */
function at(path: string, change: (info: InfoMount) => InfoMount | null) {
  return (m: MountSpec, info: InfoMount) => (m.path === path ? change(info) : info)
}

describe('plan/diff: Linux mountinfo', () => {
  it('a generated clean slot shows binds as (dev, root) of the host filesystem, e.g. 254:0 /usr/bin', () => {
    const mi = new Mountinfo()
    mi.slot(D, 'SL00')
    const line = mi.lines.find((l) => l.includes(' /build/SL00/usr/bin '))!
    expect(line).to.match(/^\d+ \d+ 254:0 \/usr\/bin \/build\/SL00\/usr\/bin ro,relatime - ext4 \/dev\/vda1 rw$/)
    const plan = diffSlots(D, mi.table(), APPLY)
    expect(plan.changes).to.deep.equal([])
    expect(plan.slotStates).to.deep.equal([{name: 'SL00', index: 0, state: 'ok', layers: 1, observed: 22, desired: 22, hidden: 0}])
  })

  // [case, /build a separate filesystem, edit of the generated slot, changes in order, state of SL00]
  const cases: Array<[string, boolean, ((m: MountSpec, i: InfoMount) => InfoMount | null) | undefined, string[], string]> = [
    ['clean slot, /build on its own filesystem: binds of /build/synth/... show 254:16 /synth/...', true, undefined, [], 'ok'],
    ['bind of the wrong directory at /usr/bin', false, at('/usr/bin', (i) => ({...i, root: '/usr/sbin'})),
      ['- /build/SL00/usr/bin wrong-source', '+ /build/SL00/usr/bin wrong-source'], 'drifted'],
    ['bind of the same path on another filesystem', false, at('/usr/bin', (i) => ({...i, dev: '254:16'})),
      ['- /build/SL00/usr/bin wrong-source', '+ /build/SL00/usr/bin wrong-source'], 'drifted'],
    ['bind of the ports tree from / while /build is its own filesystem', true,
      at('/xports', (i) => ({...i, dev: '254:0', root: '/build/synth/dports'})),
      ['- /build/SL00/xports wrong-source', '+ /build/SL00/xports wrong-source'], 'drifted'],
    ['read-only bind shown rw', false, at('/usr/include', (i) => ({...i, ro: false})), ['~ /build/SL00/usr/include options'], 'drifted'],
    ['read-write bind shown ro', true, at('/distfiles', (i) => ({...i, ro: true})), ['~ /build/SL00/distfiles options'], 'drifted'],
    ['/dev is a devtmpfs', false, at('/dev', (i) => ({...i, dev: '0:5', fstype: 'devtmpfs', source: 'udev'})),
      ['- /build/SL00/dev wrong-fstype', '+ /build/SL00/dev wrong-fstype'], 'drifted'],
    ['/dev is a bind of the host /dev (the kernel shows the devtmpfs)', false,
      at('/dev', (i) => ({...i, dev: '0:5', root: '/', fstype: 'devtmpfs', source: 'udev'})),
      ['- /build/SL00/dev wrong-fstype', '+ /build/SL00/dev wrong-fstype'], 'drifted'],
    ['/proc is a tmpfs', false, at('/proc', (i) => ({...i, fstype: 'tmpfs', source: 'tmpfs'})),
      ['- /build/SL00/proc wrong-fstype', '+ /build/SL00/proc wrong-fstype'], 'drifted'],
    ['/usr/local missing', false, at('/usr/local', () => null), ['+ /build/SL00/usr/local missing'], 'partial'],
    // a captured table of a merged-/usr host: /bin was bound through the /bin -> usr/bin symlink
    ['merged /usr: /bin shows /usr/bin, /lib64 shows /usr/lib64', false,
      (m, i) => (m.path === '/bin' || m.path === '/lib64' ? {...i, root: `/usr${m.path}`} : i), [], 'ok'],
    ['merged /usr alias does not excuse another directory', false, at('/bin', (i) => ({...i, root: '/usr/sbin'})),
      ['- /build/SL00/bin wrong-source', '+ /build/SL00/bin wrong-source'], 'drifted'],
  ]
  for (const [name, separateBuild, edit, changes, state] of cases) {
    it(name, () => {
      const mi = new Mountinfo({separateBuild})
      mi.slot(D, 'SL00', {edit})
      const plan = diffSlots(D, mi.table(), APPLY)
      expect(plan.changes.map(brief)).to.deep.equal(changes)
      expect(plan.slotStates.map((s) => s.state)).to.deep.equal([state])
    })
  }

  it('an unmount shows a bind\'s device and bound directory, as findmnt does; the plan records (dev, root)', () => {
    const mi = new Mountinfo()
    mi.slot(D, 'SL00', {edit: at('/usr/bin', (i) => ({...i, root: '/usr/sbin'}))})
    const plan = diffSlots(D, mi.table(), APPLY)
    expect(plan.changes[0]).to.deep.include({action: 'unmount', fstype: 'ext4', source: '/dev/vda1[/usr/sbin]', options: ['relatime', 'ro']})
    expect(plan.changes[1]).to.deep.include({action: 'mount', fstype: 'bind', source: '/usr/bin', options: ['ro']})
    expect(plan.observed.find((m) => m.target === '/build/SL00/usr/bin')).to.deep.include({source: '/dev/vda1', root: '/usr/sbin', dev: '254:0'})
  })

  it('the fingerprint changes when only the directory a bind binds changes', () => {
    const fingerprint = (root: string) => {
      const mi = new Mountinfo()
      mi.slot(D, 'SL00', {edit: at('/usr/bin', (i) => ({...i, root}))})
      return diffSlots(D, mi.table(), APPLY).fingerprint
    }
    expect(fingerprint('/usr/sbin')).to.not.equal(fingerprint('/usr/bin'))
  })

  it('a bind source below a host bind mount: root is the host mount\'s root plus the rest of the path', () => {
    // GIVEN /build/synth on the host is itself a bind of /exports/synth of 254:32
    const mi = new Mountinfo()
    mi.add({parent: mi.rootId, dev: '254:32', root: '/exports/synth', target: '/build/synth', fstype: 'ext4', source: '/dev/vdc'})
    // WHEN the slot binds /build/synth/dports, the kernel shows 254:32 /exports/synth/dports
    mi.slot(D, 'SL00', {edit: (m, i) => (m.source.startsWith('/build/synth/')
      ? {...i, dev: '254:32', root: '/exports/synth' + m.source.slice('/build/synth'.length)} : i)})
    // THEN that is the right source
    expect(mi.lines.some((l) => l.includes('254:32 /exports/synth/dports /build/SL00/xports'))).to.equal(true)
    expect(diffSlots(D, mi.table(), APPLY).changes).to.deep.equal([])
  })

  it('a stacked Linux slot: the second layer, with its parents by id, goes as stacked', () => {
    const mi = new Mountinfo({separateBuild: true})
    mi.slot(D, 'SL00')
    mi.slot(D, 'SL00')
    const plan = diffSlots(D, mi.table(), APPLY)
    expect(plan.summary).to.deep.equal({mount: 0, remount: 0, unmount: 22})
    expect(plan.changes.every((c) => c.reason === 'stacked' && c.layer === 2)).to.equal(true)
    expect(plan.changes.at(-1)!.target).to.equal('/build/SL00')
    expect(plan.slotStates[0]).to.include({state: 'stacked', layers: 2, observed: 44})
  })

  it('a slot root mounted on top of a slot in another mount namespace layout still finds its children by parent id', () => {
    // GIVEN a full slot, then a foreign tmpfs mounted on the slot's /usr/local (a child of it by id)
    const mi = new Mountinfo()
    mi.slot(D, 'SL00')
    const local = Number(mi.lines.find((l) => l.includes(' /build/SL00/usr/local '))!.split(' ')[0])
    mi.add({parent: local, dev: '0:99', root: '/', target: '/build/SL00/usr/local/work', fstype: 'tmpfs', source: 'tmpfs'})
    // THEN only the foreign mount goes
    expect(diffSlots(D, mi.table(), APPLY).changes.map(brief)).to.deep.equal(['- /build/SL00/usr/local/work foreign'])
  })
})
