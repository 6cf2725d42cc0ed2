import {expect} from 'chai'

import {parseMountTable} from '../../src/mounttable/parse.js'
import {fixture, parseErrorOf} from './helpers.js'

// From reference/node-stack.md §3 (<scratch> spelled /s) and proc(5).
const SAMPLE = `
36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
46 36 0:39 / /s rw,relatime shared:1 master:2 - tmpfs scratch rw
66 46 0:40 / /s/stack/dup rw,relatime - tmpfs dsynth1 rw,size=1024k,mode=755
67 66 0:41 / /s/stack/dup rw,relatime - tmpfs dsynth2 rw,size=1024k,mode=755
68 67 0:42 / /s/stack/dup rw,relatime - tmpfs dsynth3 rw,size=1024k,mode=755
70 68 0:43 / /s/stack/dup/usr/local rw,nosuid,relatime - tmpfs dsynth rw
69 46 254:0 /s/stack/rosrc /s/stack/ro ro,relatime - ext4 /dev/vda rw,discard
71 46 254:0 /home/alice/My\\040Files /s/with\\040space\\011tab ro,nosuid - ext4 /dev/vda rw
`

describe('parseMountTable: Linux mountinfo', () => {
  const t = parseMountTable(SAMPLE, {source: 'mountinfo'})
  const byId = new Map(t.mounts.map((m) => [m.id, m]))

  it('detects the format and keeps ids, lines and order', () => {
    expect(t.format).to.equal('mountinfo')
    expect(t.mounts.map((m) => [m.seq, m.id, m.line])).to.deep.equal([
      [0, 36, 2], [1, 46, 3], [2, 66, 4], [3, 67, 5], [4, 68, 6], [5, 70, 7], [6, 69, 8], [7, 71, 9],
    ])
  })

  it('reads the proc(5) example: root, device, per-mount options, optional field skipped', () => {
    expect(byId.get(36)).to.deep.equal({
      seq: 0, id: 36, parent: null, source: '/dev/root', target: '/mnt2', fstype: 'ext3', root: '/mnt1', dev: '98:0',
      options: ['noatime', 'rw'], readonly: false, line: 2,
    })
  })

  it('chains three stacked tmpfs layers, and what is mounted inside hangs off the top one', () => {
    // [id, parent id, source]
    const chain: [number, number | null, string][] = [[46, 36, 'scratch'], [66, 46, 'dsynth1'], [67, 66, 'dsynth2'], [68, 67, 'dsynth3'], [70, 68, 'dsynth']]
    for (const [id, parent, source] of chain) expect(byId.get(id)).to.include({parent, source})
  })

  it('reads a read-only bind from field 6 (`ro`), not the superblock options (`rw`)', () => {
    expect(byId.get(69)).to.include({readonly: true, root: '/s/stack/rosrc', target: '/s/stack/ro', source: '/dev/vda', parent: 46})
    expect(byId.get(69)?.options).to.deep.equal(['relatime', 'ro'])
  })

  it('decodes octal escapes in root and target', () => {
    expect(byId.get(71)).to.include({root: '/home/alice/My Files', target: '/s/with space\ttab'})
  })

  // [line, parent]: a parent id of the mount itself (proc(5): the root) or absent from the table is null
  const roots: [string, number | null][] = [
    ['1 1 0:2 / / rw - rootfs rootfs rw', null],
    ['25 1 0:2 / / rw shared:1 - ext4 /dev/vda1 rw', null],
    ['25 26 0:2 / / rw - ext4 /dev/vda1 rw\n26 1 0:3 / /x rw - tmpfs t rw', 26],
  ]
  for (const [text, parent] of roots) {
    it(`parent of ${JSON.stringify(text.split('\n')[0])} is ${parent}`, () => {
      expect(parseMountTable(text).mounts[0].parent).to.equal(parent)
    })
  }

  it('reads the Linux slot fixture: 22 slot mounts, a doubled SL01 root, the USB\\040STICK path', () => {
    const f = parseMountTable(fixture('linux-slots-mountinfo.txt'))
    expect(f.mounts).to.have.length(61)
    const sl00 = f.mounts.filter((m) => m.target === '/build/SL00' || m.target.startsWith('/build/SL00/'))
    expect(sl00).to.have.length(22)
    expect(sl00.filter((m) => m.readonly)).to.have.length(12)
    expect(sl00.slice(1).every((m) => m.parent === 400)).to.equal(true)
    const sl01Roots = f.mounts.filter((m) => m.target === '/build/SL01')
    expect(sl01Roots.map((m) => [m.id, m.parent])).to.deep.equal([[422, 34], [423, 422]])
    expect(f.mounts.find((m) => m.target === '/build/SL01/usr/local')?.parent).to.equal(423)
    expect(f.mounts.find((m) => m.fstype === 'vfat' && m.dev === '8:17')?.target).to.equal('/media/alice/USB STICK')
    expect(f.mounts[0]).to.include({id: 22, parent: null, target: '/'})
  })

  // [lines, expected message]
  const bad: [string, string][] = [
    ['36 35 98:0 /mnt1 /mnt2 rw,noatime - ext3 /dev/root', 'mi:1: cannot parse line as Linux mountinfo: "36 35 98:0 /mnt1 /mnt2 rw,noatime - ext3 /dev/root"'],
    ['36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw', 'mi:1: cannot parse line as Linux mountinfo: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw"'],
    ['36 35 98:0 /mnt1 mnt2 rw,noatime - ext3 /dev/root rw x', 'mi:1: cannot parse line as Linux mountinfo: "36 35 98:0 /mnt1 mnt2 rw,noatime - ext3 /dev/root rw x"'],
    ['1 0 0:1 / / rw - a b rw\ngarbage here', 'mi:2: cannot parse line as Linux mountinfo: "garbage here"'],
    ['1 0 0:1 / / rw - a b rw\n1 0 0:2 / /x rw - a b rw', 'mi:2: duplicate mount id 1 in Linux mountinfo: "1 0 0:2 / /x rw - a b rw"'],
    ['1 2 0:1 / / rw - a b rw\n2 1 0:2 / /x rw - a b rw', 'mi:1: parent ids form a cycle through mount id 1 in Linux mountinfo: "1 2 0:1 / / rw - a b rw"'],
  ]
  for (const [text, message] of bad) {
    it(`rejects: ${message}`, () => {
      expect(parseErrorOf(() => parseMountTable(text, {source: 'mi'})).message).to.equal(message)
    })
  }
})
