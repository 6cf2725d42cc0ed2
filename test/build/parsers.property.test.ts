import {expect} from 'chai'
import fc from 'fast-check'
import {BuildError} from '../../src/errors.js'
import {parseProfileMakeConf} from '../../src/build/phases.js'
import {QUERY_VARIABLES, parseDepends, parseQueryAnswer} from '../../src/build/query.js'

/** Runs `f`; anything thrown must be a BuildError. */
const onlyTyped = (f: () => unknown): void => {
  try {
    f()
  } catch (e) {
    expect(e).to.be.instanceOf(BuildError)
  }
}

const depToken = fc.oneof(
  fc.string(),
  fc.tuple(fc.string(), fc.constantFrom('/usr/ports/', '', '/nonexistent:'), fc.string(), fc.constantFrom('', ':tag', '@fl', '@fl:tag'))
    .map(([a, p, b, t]) => `${a}:${p}${b}${t}`),
)

describe('build parsers: random text gives a value or a BuildError, nothing else', () => {
  it('parseDepends', () => {
    fc.assert(fc.property(fc.array(depToken), (tokens) => onlyTyped(() => {
      for (const o of parseDepends(tokens.join(' '), '/usr/ports', 'a/b')) expect(o).to.match(/^[^/@\s]+\/[^/@\s]+(@[^/@\s]+)?$/)
    })))
  })

  it('parseQueryAnswer', () => {
    const lines = fc.array(fc.oneof(fc.string(), depToken), {minLength: 0, maxLength: QUERY_VARIABLES.length + 2})
    fc.assert(fc.property(lines, (ls) => onlyTyped(() => parseQueryAnswer('a/b', ls.map((l) => l.replace(/\n/g, ' ')).join('\n'), '/usr/ports'))))
    fc.assert(fc.property(fc.string(), (text) => onlyTyped(() => parseQueryAnswer('a/b', text, '/usr/ports'))))
  })

  it('parseProfileMakeConf never throws and keeps only assignments', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      for (const line of parseProfileMakeConf(text)) expect(line).to.match(/^[^=]+=/)
    }))
  })
})
