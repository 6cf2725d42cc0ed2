import {expect} from 'chai'

import {detectFormat, parseMountTable} from '../../src/mounttable/parse.js'
import type {MountTableFormat} from '../../src/mounttable/types.js'
import {fixture, parseErrorOf} from './helpers.js'

describe('parseMountTable: detection, blank lines, errors', () => {
  // [first non-blank line, detected format]
  const detections: [string, MountTableFormat | undefined][] = [
    ['36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue', 'mountinfo'],
    ['tmpfs on /build/SL00 (tmpfs, local)', 'bsd-mount'],
    ['/dev/vda1 on / type ext4 (rw,relatime)', 'bsd-mount'],
    ['tmpfs\t/build/SL00\ttmpfs rw\t0 0', 'bsd-mount-p'],
    ['tmpfs /build/SL00 tmpfs rw', 'bsd-mount-p'],
    ['garbage here', undefined],
    ['tmpfs on /build/SL00', undefined],
  ]
  for (const [line, format] of detections) {
    it(`detects ${format ?? 'nothing'} in ${JSON.stringify(line)}`, () => {
      expect(detectFormat(line)).to.equal(format)
    })
  }

  // [text, options, expected format]
  const empties: [string, Parameters<typeof parseMountTable>[1], MountTableFormat][] = [
    ['', undefined, 'bsd-mount'],
    ['\n \t\n\r\n', undefined, 'bsd-mount'],
    ['', {format: 'mountinfo'}, 'mountinfo'],
    ['  \n', {format: 'bsd-mount-p'}, 'bsd-mount-p'],
  ]
  for (const [text, opts, format] of empties) {
    it(`an empty table ${JSON.stringify(text)} with ${JSON.stringify(opts)} is ${format}`, () => {
      expect(parseMountTable(text, opts)).to.deep.equal({format, mounts: []})
    })
  }

  it('skips blank lines, tolerates CRLF and surrounding blanks, and counts lines from 1 including blanks', () => {
    const t = parseMountTable('\r\n  tmpfs on /a (tmpfs, local)  \r\n\n\t\ntmpfs on /a/b (tmpfs) \t\r\n')
    expect(t.mounts.map((m) => [m.seq, m.line, m.target, m.parent])).to.deep.equal([[0, 2, '/a', null], [1, 5, '/a/b', 0]])
  })

  it('reads CRLF line endings exactly like LF', () => {
    const bsd = fixture('seed-tripled.txt')
    const crlf = parseMountTable(bsd.replaceAll('\n', '\r\n'))
    expect(crlf).to.deep.equal(parseMountTable(bsd))
  })

  it('an explicit format skips detection', () => {
    const line = 'tmpfs /x tmpfs rw 0 0'
    expect(parseMountTable(line, {format: 'bsd-mount-p'}).mounts[0].target).to.equal('/x')
    expect(parseErrorOf(() => parseMountTable(line, {format: 'bsd-mount', source: 'x'})).message)
      .to.equal('x:1: cannot parse line as BSD mount output: "tmpfs /x tmpfs rw 0 0"')
  })

  // [text, source, expected message]: garbage in each detected format, and undetectable text
  const garbage: [string, string | undefined, string][] = [
    ['tmpfs on /a (tmpfs)\n\n\n\n\ntmpfs on /b (tmpfs)\ngarbage here\n', 'mounts.txt', 'mounts.txt:7: cannot parse line as BSD mount output: "garbage here"'],
    ['tmpfs /a tmpfs rw 0 0\ngarbage here', 'mount-p.txt', 'mount-p.txt:2: cannot parse line as BSD mount -p output: "garbage here"'],
    ['1 0 0:1 / / rw - ext4 /dev/vda rw\ngarbage here', '/proc/self/mountinfo', '/proc/self/mountinfo:2: cannot parse line as Linux mountinfo: "garbage here"'],
    ['\ngarbage here', undefined, '<input>:2: cannot parse line as a mount table: "garbage here"'],
    ['tmpfs on /a (tmpfs)\n1 0 0:1 / / rw - ext4 /dev/vda rw', undefined, '<input>:2: cannot parse line as BSD mount output: "1 0 0:1 / / rw - ext4 /dev/vda rw"'],
    ['1 0 0:1 / / rw - ext4 /dev/vda rw\ntmpfs on /a (tmpfs)', undefined, '<input>:2: cannot parse line as Linux mountinfo: "tmpfs on /a (tmpfs)"'],
    ['tmpfs on /a (tmpfs)\nbad "quote"\u0000', 'q', 'q:2: cannot parse line as BSD mount output: "bad \\"quote\\"\\u0000"'],
  ]
  for (const [text, source, message] of garbage) {
    it(message, () => {
      const e = parseErrorOf(() => parseMountTable(text, {source}))
      expect(e.message).to.equal(message)
      expect(e.exit).to.equal(1)
    })
  }

  it('gives the expected shape as a suggestion', () => {
    const e = parseErrorOf(() => parseMountTable('tmpfs on /a (tmpfs)\ngarbage here'))
    expect(e.suggestions).to.deep.equal(['expected "<from> on <on> (<fstype>[, <flag>]...)"'])
  })

  it('truncates long offending text to 120 characters', () => {
    const long = 'x'.repeat(500)
    const e = parseErrorOf(() => parseMountTable(long, {source: 's'}))
    expect(e.message).to.equal(`s:1: cannot parse line as a mount table: "${'x'.repeat(117)}..."`)
  })
})
