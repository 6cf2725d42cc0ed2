import {expect} from 'chai'

import {parseBsdMountLine} from '../../src/mounttable/parse-bsd.js'
import {parseMountTable} from '../../src/mounttable/parse.js'
import {fixture, parseErrorOf} from './helpers.js'

/** Parses one BSD `mount` line through the public entry point. */
function one(line: string) {
  const t = parseMountTable(line, {format: 'bsd-mount'})
  expect(t.mounts).to.have.length(1)
  return t.mounts[0]
}

describe('parseMountTable: BSD mount output', () => {
  // [real line from dsynth.md §4.3, source, target, fstype, options]
  const samples: [string, string, string, string, string[]][] = [
    // DragonFly
    ['tmpfs on /usr/obj/synth-live/SL09 (tmpfs, local)', 'tmpfs', '/usr/obj/synth-live/SL09', 'tmpfs', ['local', 'rw']],
    ['/usr/dports on /usr/obj/synth-live/SL09/xports (null, local, read-only)', '/usr/dports', '/usr/obj/synth-live/SL09/xports', 'null', ['local', 'ro']],
    ['/pfs/@@-1:00009 on /usr/local (null, local)', '/pfs/@@-1:00009', '/usr/local', 'null', ['local', 'rw']],
    ['tmpfs on /build/synth/SL00 (tmpfs, local)', 'tmpfs', '/build/synth/SL00', 'tmpfs', ['local', 'rw']],
    ['devfs on /build/synth/SL00/dev (devfs, local)', 'devfs', '/build/synth/SL00/dev', 'devfs', ['local', 'rw']],
    ['procfs on /build/synth/SL00/proc (procfs, read-only, local)', 'procfs', '/build/synth/SL00/proc', 'procfs', ['local', 'ro']],
    ['/bin on /build/synth/SL00/bin (null)', '/bin', '/build/synth/SL00/bin', 'null', ['rw']],
    ['/build/usr.obj on /usr/obj (null)', '/build/usr.obj', '/usr/obj', 'null', ['rw']],
    ['procfs on /proc (procfs, local)', 'procfs', '/proc', 'procfs', ['local', 'rw']],
    ['tmpfs on /var/run/user/164 (tmpfs, mounted by lightdm, local)', 'tmpfs', '/var/run/user/164', 'tmpfs', ['local', 'mounted-by=lightdm', 'rw']],
    ['devfs on /dev (devfs, nosymfollow, local)', 'devfs', '/dev', 'devfs', ['local', 'nosymfollow', 'rw']],
    // FreeBSD
    ['/jails/structure/thinjail/base/12.1-RELEASE on /jails/mnt/thinjail1 (nullfs, local, read-only)', '/jails/structure/thinjail/base/12.1-RELEASE', '/jails/mnt/thinjail1', 'nullfs', ['local', 'ro']],
    ['/jails/thinjails/thinjail1 on /jails/mnt/thinjail1/skeleton (nullfs, local)', '/jails/thinjails/thinjail1', '/jails/mnt/thinjail1/skeleton', 'nullfs', ['local', 'rw']],
    ['devfs on /jails/mnt/thinjail1/dev (devfs, local, multilabel)', 'devfs', '/jails/mnt/thinjail1/dev', 'devfs', ['local', 'multilabel', 'rw']],
    ['/usr/jails/basejail on /usr/jails/demo_jail/basejail (nullfs, local, read-only)', '/usr/jails/basejail', '/usr/jails/demo_jail/basejail', 'nullfs', ['local', 'ro']],
    ['fdescfs on /usr/jails/demo_jail/dev/fd (fdescfs)', 'fdescfs', '/usr/jails/demo_jail/dev/fd', 'fdescfs', ['rw']],
    ['devfs on /dev (devfs)', 'devfs', '/dev', 'devfs', ['rw']],
    ['tmpfs on /tmp (tmpfs, local)', 'tmpfs', '/tmp', 'tmpfs', ['local', 'rw']],
    ['zroot/ROOT/default on / (zfs, local, noatime, nfsv4acls)', 'zroot/ROOT/default', '/', 'zfs', ['local', 'nfsv4acls', 'noatime', 'rw']],
    ['fs on /x (fusefs.sshfs, nosuid, mounted by alice)', 'fs', '/x', 'fusefs.sshfs', ['mounted-by=alice', 'nosuid', 'rw']],
  ]
  for (const [line, source, target, fstype, options] of samples) {
    it(line, () => {
      const m = one(line)
      expect({source: m.source, target: m.target, fstype: m.fstype, options: m.options}).to.deep.equal({source, target, fstype, options})
      expect(m.readonly).to.equal(options.includes('ro'))
      expect({root: m.root, dev: m.dev, id: m.id, seq: m.seq, line: m.line}).to.deep.equal({root: '/', dev: '', id: 0, seq: 0, line: 1})
    })
  }

  it('reads the flags as a set: order and repeats do not matter', () => {
    // [flag list inside the parentheses]
    const orders = ['null, local, read-only', 'null, read-only, local', 'null,read-only,local', 'null, local, read-only, local']
    const parsed = orders.map((f) => one(`/usr/bin on /build/SL00/usr/bin (${f})`))
    for (const m of parsed) expect(m).to.deep.equal(parsed[0])
    expect(parsed[0].options).to.deep.equal(['local', 'ro'])
  })

  // [line, source, target]: where the ` on ` and ` (` splits fall
  const splits: [string, string, string][] = [
    ['/data/on on /mnt/on (null, local)', '/data/on', '/mnt/on'],
    ['map -hosts on /net (autofs)', 'map -hosts', '/net'],
    ['server:/export on /mnt/nfs (nfs)', 'server:/export', '/mnt/nfs'],
    ['/src on /mnt/this on /that (null)', '/src', '/mnt/this on /that'],
    ['/src dir on /mnt/a (b) (null, local)', '/src dir', '/mnt/a (b)'],
    ['/src on /mnt/has (paren (null)', '/src', '/mnt/has (paren'],
    ['/my\\040src on /mnt/tab\\011and\\012nl\\134 (null)', '/my src', '/mnt/tab\tand\nnl\\'],
    ['/a on /b\\x (null)', '/a', '/b\\x'],
  ]
  for (const [line, source, target] of splits) {
    it(`splits ${JSON.stringify(line)}`, () => {
      expect(one(line)).to.include({source, target})
    })
  }

  it('reads the FreeBSD fixture: a space in a path, `mounted by`, flag order local → read-only', () => {
    const t = parseMountTable(fixture('freebsd-slots.txt'), {source: 'freebsd-slots.txt'})
    expect(t.format).to.equal('bsd-mount')
    expect(t.mounts).to.have.length(61)
    const fuse = t.mounts.find((m) => m.fstype === 'fusefs.sshfs')
    expect(fuse).to.include({source: 'alice@nas:/srv/media', target: '/usr/home/alice/Media Library', readonly: false})
    expect(fuse?.options).to.deep.equal(['mounted-by=alice', 'nosuid', 'rw', 'synchronous'])
    expect(t.mounts.filter((m) => m.readonly)).to.have.length(2 * 15)
  })

  it('rejects Linux `mount` output with a hint', () => {
    const r = parseBsdMountLine('/dev/vda1 on / type ext4 (rw,relatime)')
    expect(r).to.be.a('string').and.match(/Linux `mount` output/)
    expect(parseErrorOf(() => parseMountTable('/dev/vda1 on / type ext4 (rw,relatime)')).message).to.equal('<input>:1: cannot parse line as BSD mount output: "/dev/vda1 on / type ext4 (rw,relatime)"')
  })

  // [line that is not BSD mount output]
  const bad = ['tmpfs on /x', 'tmpfs on x (tmpfs)', 'on /x (tmpfs)', 'tmpfs on /x ()', 'tmpfs on /x (, local)', 'tmpfs /x (tmpfs)']
  for (const line of bad) {
    it(`rejects ${JSON.stringify(line)}`, () => {
      expect(parseBsdMountLine(line)).to.be.a('string')
      expect(parseErrorOf(() => parseMountTable(`tmpfs on /a (tmpfs)\n${line}`, {source: 'm.txt'})).message).to.equal(`m.txt:2: cannot parse line as BSD mount output: ${JSON.stringify(line)}`)
    })
  }
})
