import {expect} from 'chai'
import {PROFILE_KEYS, isSystemDir, measureDistance, suggestName, toInteger} from '../../src/config/keys.js'

const SITE = {file: 'f.ini', line: 1, key: 'K'}

describe('config/keys', () => {
  // [literal, value strtol(v, NULL, 0) gives]
  const integers: Array<[string, number]> = [['0', 0], ['7', 7], ['-7', -7], ['0x1F', 31], ['0X10', 16], ['017', 15], ['00', 0], ['+0x2', 2]]
  for (const [literal, value] of integers) {
    it(`toInteger('${literal}') = ${value}`, () => {
      expect(toInteger(literal, SITE)).to.equal(value)
    })
  }

  // [literal C would silently read as 0 or a prefix]
  const garbage = ['', 'x', '8x', '0x', '09', '1.5', '1e3', '0x1g', '--1', '99999999999999999999']
  for (const literal of garbage) {
    it(`toInteger rejects '${literal}'`, () => {
      expect(() => toInteger(literal, SITE)).to.throw(/^f\.ini:1: K: not an integer/)
    })
  }

  // [path, is a system directory]
  const dirs: Array<[string, boolean]> = [['/', true], ['/usr', true], ['/usr/local/', true], ['//etc', true], ['/build', false], ['/usr/local/synth', false], ['/home/me', false]]
  for (const [p, expected] of dirs) {
    it(`isSystemDir('${p}') is ${expected}`, () => {
      expect(isSystemDir(p)).to.equal(expected)
    })
  }

  it('measures edit distance', () => {
    expect(measureDistance('kitten', 'sitting')).to.equal(3)
    expect(measureDistance('', 'abc')).to.equal(3)
    expect(measureDistance('same', 'same')).to.equal(0)
  })

  it('suggests the nearest key only when it is close', () => {
    expect(suggestName('Directory_buildbse', PROFILE_KEYS)).to.deep.equal(["did you mean 'Directory_buildbase'?"])
    expect(suggestName('Tmpfs_workdirs', PROFILE_KEYS)).to.deep.equal(["did you mean 'Tmpfs_workdir'?"])
    expect(suggestName('Completely_different', PROFILE_KEYS)).to.deep.equal([])
  })
})
