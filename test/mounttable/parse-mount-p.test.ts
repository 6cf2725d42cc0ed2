import {expect} from 'chai'

import {parseMountTable} from '../../src/mounttable/parse.js'
import type {MountTable} from '../../src/mounttable/types.js'
import {fixture, parseErrorOf} from './helpers.js'

describe('parseMountTable: BSD mount -p output', () => {
  // [line, source, target, fstype, options]: tabs, padded spaces, freq/pass present or absent
  const cases: [string, string, string, string, string[]][] = [
    ['tmpfs\t\t\t/build/SL00\t\ttmpfs\trw\t\t0 0', 'tmpfs', '/build/SL00', 'tmpfs', ['rw']],
    ['/boot\t/build/SL00/boot\tnull ro\t0 0', '/boot', '/build/SL00/boot', 'null', ['ro']],
    ['/dev/ada0p2            /                       ufs     rw              1 1', '/dev/ada0p2', '/', 'ufs', ['rw']],
    ['zroot/tmp   /tmp   zfs   rw,noatime,nosuid,nfsv4acls', 'zroot/tmp', '/tmp', 'zfs', ['nfsv4acls', 'noatime', 'nosuid', 'rw']],
    ['procfs /build/SL00/proc procfs ro,nosuid 0', 'procfs', '/build/SL00/proc', 'procfs', ['nosuid', 'ro']],
    ['/usr/ports /build/SL00/xports nullfs rw,ro 0 0', '/usr/ports', '/build/SL00/xports', 'nullfs', ['ro']],
    ['/my\\040dir /mnt/x\\011y nullfs rw,noexec 0 0', '/my dir', '/mnt/x\ty', 'nullfs', ['noexec', 'rw']],
    ['  devfs /dev devfs rw,multilabel 0 0  ', 'devfs', '/dev', 'devfs', ['multilabel', 'rw']],
  ]
  for (const [line, source, target, fstype, options] of cases) {
    it(JSON.stringify(line), () => {
      const t = parseMountTable(line, {format: 'bsd-mount-p'})
      expect(t.mounts).to.have.length(1)
      const m = t.mounts[0]
      expect({source: m.source, target: m.target, fstype: m.fstype, options: m.options}).to.deep.equal({source, target, fstype, options})
      expect(m).to.include({readonly: options.includes('ro'), root: '/', dev: '', id: 0, parent: null, line: 1})
    })
  }

  it('detects the format and reads the FreeBSD fixture (tab-padded columns)', () => {
    const t = parseMountTable(fixture('freebsd-slots-mount-p.txt'))
    expect(t.format).to.equal('bsd-mount-p')
    expect(t.mounts).to.have.length(59)
    const byTarget = new Map(t.mounts.map((m) => [m.target, m]))
    expect(byTarget.get('/build/SL00/boot/modules.local')).to.include({source: 'tmpfs', fstype: 'tmpfs', readonly: false})
    expect(byTarget.get('/build/SL01/xports')).to.include({source: '/usr/ports', fstype: 'nullfs', readonly: true})
    expect(byTarget.get('/boot/efi')?.options).to.deep.equal(['rw'])
    expect(byTarget.get('/build/SL01/usr/local')?.parent).to.equal(byTarget.get('/build/SL01')?.seq)
  })

  it('agrees with `mount` on paths, types and ro/rw for the same FreeBSD table', () => {
    // the mount -p fixture leaves out the two lines with a space in a path, so compare parents by target, not by seq
    const view = (t: MountTable) =>
      t.mounts.filter((x) => x.fstype !== 'autofs' && x.fstype !== 'fusefs.sshfs').map((x) => [x.source, x.target, x.fstype, x.readonly, x.parent === null ? null : t.mounts[x.parent].target])
    expect(view(parseMountTable(fixture('freebsd-slots-mount-p.txt')))).to.deep.equal(view(parseMountTable(fixture('freebsd-slots.txt'))))
  })

  // [line that is not mount -p output]
  const bad = [
    'tmpfs /build/SL00 tmpfs',
    'tmpfs build/SL00 tmpfs rw 0 0',
    'tmpfs /build/SL00 tmpfs rw 0 x',
    'tmpfs /build/SL00 tmpfs rw 0 0 7',
    'map -hosts /net autofs rw 0 0',
  ]
  for (const line of bad) {
    it(`rejects ${JSON.stringify(line)}`, () => {
      expect(parseErrorOf(() => parseMountTable(`tmpfs /a tmpfs rw 0 0\n\n${line}\n`, {source: 'fstab.out'})).message).to.equal(`fstab.out:3: cannot parse line as BSD mount -p output: ${JSON.stringify(line)}`)
    })
  }
})
