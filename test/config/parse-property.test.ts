import {expect} from 'chai'
import fc from 'fast-check'
import {PROFILE_KEYS, isSystemDir} from '../../src/config/keys.js'
import {parseConfig} from '../../src/config/parse.js'
import type {Config} from '../../src/config/types.js'
import {ConfigError} from '../../src/errors.js'
import {normalizeAbs} from '../../src/util/paths.js'

/** Parses `text`; returns the Config, or null for a ConfigError whose message names the file; rethrows anything else. */
function parseOrTypedError(text: string, profile?: string): Config | null {
  try {
    return parseConfig(text, {file: 'fuzz.ini', cpuCount: 4, profile})
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    expect(error.message.startsWith('fuzz.ini:')).to.equal(true)
    expect(error.exit).to.equal(1)
    return null
  }
}

/** Asserts the invariants every accepted Config keeps. */
function checkInvariants(c: Config): void {
  for (const dir of Object.values(c.directories)) {
    if (dir === null) continue
    expect(dir).to.equal(normalizeAbs(dir))
    expect(dir.startsWith('/')).to.equal(true)
  }
  expect(isSystemDir(c.directories.buildbase)).to.equal(false)
  expect(c.builders).to.be.within(1, 1024)
  expect(c.maxJobs).to.be.within(1, 8192)
  expect(c.tmpfsWorkdir && c.tmpfsLocalbase && !c.leveragePrebuilt).to.equal(true)
}

const DIRS = ['/', '/usr', '/usr/', '/build', '/build/../usr', '/build/synth//x/', '//build/./synth', 'rel/path', 'disabled']
const INTS = ['0', '1', '-1', '8', '1025', '8193', '0x10', '010', '08']
const BOOLS = ['0', '1', 'true', 'FALSE', 'yes']

/** Values to try for one key, chosen by what the key holds, valid and invalid alike. */
function valuesFor(key: string): string[] {
  if (key.startsWith('Directory_')) return DIRS
  if (key === 'Package_suffix') return ['.txz', '.tzst', '.zip']
  if (key === 'Operating_system') return ['DragonFly', 'Linux']
  return ['Number_of_builders', 'Max_jobs_per_builder', 'Meta_version', 'Numa_setsize'].includes(key) ? INTS : BOOLS
}

/** A `Key= value` line for a known key, in any of the spellings C accepts. */
const entryArb = fc.constantFrom(...PROFILE_KEYS).chain((key) =>
  fc.tuple(fc.constantFrom('=', '= ', ' = '), fc.constantFrom(...valuesFor(key)), fc.constantFrom('', ' ; note')).map(([sep, v, tail]) => `${key}${sep}${v}${tail}`),
)

/** A whole C-style file: Global (maybe selecting a profile, maybe holding keys) then LiveSystem and Other sections. */
const fileArb = fc
  .tuple(fc.constantFrom('', 'profile_selected= LiveSystem', 'profile_selected= Other'), fc.array(entryArb, {maxLength: 3}),
    fc.array(entryArb, {maxLength: 12}), fc.array(entryArb, {maxLength: 4}), fc.constantFrom('\n', '\r\n'))
  .map(([selected, global, live, other, eol]) =>
    ['[Global Configuration]', selected, ...global, '[LiveSystem]', ...live, '[Other]', ...other].join(eol))

describe('config/parse: property tests', () => {
  it('random text yields a Config or a typed ConfigError, nothing else', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 400}), (text) => {
        const c = parseOrTypedError(text)
        if (c !== null) checkInvariants(c)
      }),
      {numRuns: 500},
    )
  })

  it('plausible dsynth.ini files yield a Config that keeps its invariants, or a typed ConfigError', () => {
    let accepted = 0
    fc.assert(
      fc.property(fileArb, fc.option(fc.constantFrom('LiveSystem', 'Other', 'Missing'), {nil: undefined}), (text, profile) => {
        const c = parseOrTypedError(text, profile)
        if (c === null) return
        accepted++
        checkInvariants(c)
      }),
      {numRuns: 1000},
    )
    // The property says nothing if every file is rejected, so make sure many are accepted.
    expect(accepted).to.be.greaterThan(50)
  })
})
