import {expect} from 'chai'
import fc from 'fast-check'

import {decodeOctal, encodeOctal, PATH_UNSAFE} from '../../src/mounttable/escape.js'

describe('mounttable/escape', () => {
  // [escaped, decoded]
  const cases: [string, string][] = [
    ['/plain/path', '/plain/path'],
    ['/a\\040b', '/a b'],
    ['\\011tab\\012nl\\015cr\\134bs', '\ttab\nnl\rcr\\bs'],
    ['/caf\\303\\251', '/café'],
    ['/bad\\377utf8', '/bad\u00ffutf8'],
    ['/not\\08octal\\x\\4', '/not\\08octal\\x\\4'],
    ['\\400 is out of range', '\\400 is out of range'],
    ['/\\134040', '/\\040'],
  ]
  for (const [escaped, decoded] of cases) {
    it(`decodes ${JSON.stringify(escaped)}`, () => {
      expect(decodeOctal(escaped)).to.equal(decoded)
    })
  }

  // [raw, encoded with the default field set, encoded as a BSD path]
  const encodings: [string, string, string][] = [
    ['/a b', '/a\\040b', '/a b'],
    ['/t\tn\nb\\', '/t\\011n\\012b\\134', '/t\\011n\\012b\\134'],
    ['/café', '/café', '/café'],
  ]
  for (const [raw, field, path] of encodings) {
    it(`encodes ${JSON.stringify(raw)}`, () => {
      expect(encodeOctal(raw)).to.equal(field)
      expect(encodeOctal(raw, PATH_UNSAFE)).to.equal(path)
    })
  }

  it('decodeOctal inverts encodeOctal for any string', () => {
    fc.assert(fc.property(fc.string({unit: 'binary'}), (s) => decodeOctal(encodeOctal(s)) === s), {numRuns: 2000})
  })

  it('decodes a very long run of escapes without overflowing the stack', () => {
    expect(decodeOctal('\\040'.repeat(300_000))).to.equal(' '.repeat(300_000))
  })
})
