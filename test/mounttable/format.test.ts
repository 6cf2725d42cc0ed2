import {expect} from 'chai'
import fc from 'fast-check'

import {normalizeOptions} from '../../src/mounttable/line.js'
import {formatMountLine, parseMountTable} from '../../src/mounttable/parse.js'
import type {Mount, MountTable, MountTableFormat} from '../../src/mounttable/types.js'
import {fixture} from './helpers.js'

const FORMATS: MountTableFormat[] = ['bsd-mount', 'bsd-mount-p', 'mountinfo']

/** What survives a trip through a format: everything but seq/line/id/parent, and dev/root only for mountinfo. */
function kept(m: Mount, format: MountTableFormat) {
  const {source, target, fstype, options, readonly} = m
  return format === 'mountinfo' ? {source, target, fstype, options, readonly, id: m.id, dev: m.dev, root: m.root} : {source, target, fstype, options, readonly}
}

/** A table with parents shown as the parent's target, so tables whose ids differ compare. */
function shape(t: MountTable) {
  const byId = new Map(t.mounts.map((m) => [m.id, m]))
  return t.mounts.map((m) => [m.source, m.target, m.fstype, m.options, m.readonly, m.parent === null ? null : byId.get(m.parent)?.target])
}

describe('formatMountLine', () => {
  it('renders the seed table back to its exact text in BSD mount style', () => {
    const text = fixture('seed-tripled.txt')
    expect(parseMountTable(text).mounts.map((m) => formatMountLine(m, 'bsd-mount')).join('\n') + '\n').to.equal(text)
  })

  // [mount fields, format, expected line]
  const lines: [Partial<Mount>, MountTableFormat, string][] = [
    [{source: '/usr/dports', target: '/build/SL00/xports', fstype: 'null', options: ['local', 'ro'], readonly: true}, 'bsd-mount', '/usr/dports on /build/SL00/xports (null, read-only, local)'],
    [{source: 'tmpfs', target: '/var/run/user/164', fstype: 'tmpfs', options: ['local', 'mounted-by=lightdm', 'rw']}, 'bsd-mount', 'tmpfs on /var/run/user/164 (tmpfs, mounted by lightdm, local)'],
    [{source: 'map -hosts', target: '/net/a b', fstype: 'autofs', options: ['rw']}, 'bsd-mount', 'map\\040-hosts on /net/a b (autofs)'],
    [{source: 'tmpfs', target: '/build/SL00', fstype: 'tmpfs', options: ['local', 'rw']}, 'bsd-mount-p', 'tmpfs\t\t\t/build/SL00\t\ttmpfs\trw,local \t0 0'],
    [{source: '/usr/ports', target: '/build/SL00/xports', fstype: 'nullfs', options: ['ro'], readonly: true}, 'bsd-mount-p', '/usr/ports\t\t/build/SL00/xports\tnullfs\tro\t\t0 0'],
    [{id: 69, parent: 46, dev: '254:0', root: '/s/ro src', target: '/s/ro', source: '/dev/vda', fstype: 'ext4', options: ['relatime', 'ro'], readonly: true}, 'mountinfo', '69 46 254:0 /s/ro\\040src /s/ro ro,relatime - ext4 /dev/vda ro'],
    [{id: 7, parent: null, dev: '0:2', source: 'tmpfs', target: '/', fstype: 'tmpfs', options: ['rw']}, 'mountinfo', '7 7 0:2 / / rw - tmpfs tmpfs rw'],
  ]
  for (const [fields, format, line] of lines) {
    it(`${format}: ${JSON.stringify(line)}`, () => {
      const m: Mount = {seq: 0, id: 0, parent: null, source: '', target: '', fstype: '', root: '/', dev: '', options: [], readonly: false, line: 1, ...fields}
      expect(formatMountLine(m, format)).to.equal(line)
      expect(kept(parseMountTable(line).mounts[0], format)).to.deep.equal(kept(m, format))
    })
  }

  // [fixture, its format]
  const fixtures: [string, MountTableFormat][] = [
    ['seed-tripled.txt', 'bsd-mount'],
    ['freebsd-slots.txt', 'bsd-mount'],
    ['freebsd-slots-mount-p.txt', 'bsd-mount-p'],
    ['linux-slots-mountinfo.txt', 'mountinfo'],
  ]
  for (const [name, from] of fixtures) {
    for (const to of FORMATS) {
      it(`${name} (${from}) → ${to} → parse keeps every mount and parent`, () => {
        const t = parseMountTable(fixture(name))
        expect(t.format).to.equal(from)
        const back = parseMountTable(t.mounts.map((m) => formatMountLine(m, to)).join('\n'))
        expect(back.format).to.equal(to)
        expect(shape(back)).to.deep.equal(shape(t))
        expect(back.mounts.map((m) => m.line)).to.deep.equal(t.mounts.map((_, i) => i + 1))
      })
    }
  }

  describe('round trip of arbitrary mounts (fast-check)', () => {
    const char = fc.constantFrom('a', 'b', '/', ' ', '\t', '\n', '\r', '\\', '0', '4', '(', ')', ',', '-', '=', 'é', '\u00a0', 'o', 'n')
    const text = (min: number) => fc.array(fc.oneof(char, fc.constantFrom(' on /', ' (', '\\040', 'mounted by ', 'read-only')), {minLength: min, maxLength: 12}).map((a) => a.join(''))
    const mount = fc
      .record({
        id: fc.nat(),
        dev: fc.tuple(fc.nat(300), fc.nat(300)).map(([a, b]) => `${a}:${b}`),
        root: text(0).map((s) => '/' + s),
        source: text(1),
        target: text(0).map((s) => '/' + s),
        fstype: text(1).filter((s) => s.trim() !== 'rw' && s.trim() !== 'ro'),
        words: fc.array(text(0), {maxLength: 5}),
      })
      .map(({words, ...m}): Mount => ({...m, seq: 0, parent: null, line: 1, ...normalizeOptions(words)}))

    for (const format of FORMATS) {
      it(`parse(format(m, '${format}')) gives m back, and detects ${format}`, () => {
        fc.assert(
          fc.property(mount, (m) => {
            const t = parseMountTable(formatMountLine(m, format))
            expect(t.format).to.equal(format)
            expect(t.mounts).to.have.length(1)
            expect(kept(t.mounts[0], format)).to.deep.equal(kept(m, format))
          }),
          {numRuns: 2000},
        )
      })
    }
  })
})
