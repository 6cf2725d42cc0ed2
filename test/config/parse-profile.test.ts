import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {expect} from 'chai'
import {COMPILED_DIRECTORIES} from '../../src/config/defaults.js'
import {parseConfig} from '../../src/config/parse.js'

/** Text of a fixture under test/fixtures/config. */
function readFixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/config/${name}`, import.meta.url)), 'utf8')
}

/** Parses `text` as /etc/dsynth/dsynth.ini. */
function parse(text: string, extra: {profile?: string; envProfile?: string; cpuCount?: number; operatingSystem?: string} = {}) {
  return parseConfig(text, {file: '/etc/dsynth/dsynth.ini', cpuCount: 8, ...extra})
}

const HEAD = '[Global Configuration]\nprofile_selected= LiveSystem\n\n[LiveSystem]\n'

describe('config/parse: profiles and file styles', () => {
  it('loads the seed file: 8 builders, build base /build', () => {
    const c = parse(readFixture('seed-tripled.ini'))
    expect(c).to.deep.include({
      file: '/etc/dsynth/dsynth.ini',
      configBase: '/etc/dsynth',
      profile: 'LiveSystem',
      profileSource: 'profile_selected',
      operatingSystem: 'DragonFly',
      builders: 8,
      buildersSource: 'config',
      maxJobs: 4,
      displayWithNcurses: false,
      warnings: [],
    })
    expect(c.directories).to.deep.equal({
      packages: '/build/synth/live_packages',
      repository: '/build/synth/live_packages/All',
      portsdir: '/build/synth/dports',
      options: '/build/synth/options',
      distfiles: '/build/synth/distfiles',
      buildbase: '/build',
      logs: '/build/synth/logs',
      ccache: null,
      system: '/',
    })
  })

  it('loads a go-synth style file with every key in [Global Configuration]', () => {
    // GIVEN a file with no profile section and go-synth-only keys
    const text = readFixture('gosynth-global.ini')
    // WHEN it is parsed with go-synth's own profile name
    const c = parse(text, {profile: 'default'})
    // THEN the Global keys apply and the go-synth keys are only warned about
    expect(c.profile).to.equal('default')
    expect(c.builders).to.equal(6)
    expect(c.maxJobs).to.equal(1)
    expect(c.directories.buildbase).to.equal('/build/synth')
    expect(c.directories.repository).to.equal('/build/synth/packages')
    expect(c.directories.ccache).to.equal('/build/synth/ccache')
    expect(c.warnings).to.have.length(5)
    expect(c.warnings[0]).to.equal("/etc/dsynth/dsynth.ini:19: ignoring go-synth-only key 'Disable_throttle' in [Global Configuration]")
  })

  it('lets the profile win when Global and the profile set the same key', () => {
    const text = '[Global Configuration]\nNumber_of_builders= 3\nMax_jobs_per_builder= 5\n[LiveSystem]\nNumber_of_builders= 7\n'
    const c = parse(text)
    expect(c.builders).to.equal(7)
    expect(c.maxJobs).to.equal(5)
  })

  // [case, --profile, DSYNTH_PROFILE, keep profile_selected, expected profile, expected source, expected builders]
  const precedence: Array<[string, string | undefined, string | undefined, boolean, string, string, number]> = [
    ['flag beats env and profile_selected', 'FromFlag', 'FromEnv', true, 'FromFlag', 'flag', 4],
    ['env beats profile_selected', undefined, 'FromEnv', true, 'FromEnv', 'env', 3],
    ['profile_selected beats the default', undefined, undefined, true, 'Selected', 'profile_selected', 2],
    ['LiveSystem when nothing selects', undefined, undefined, false, 'LiveSystem', 'default', 1],
    ['empty flag and env count as unset', '', '', true, 'Selected', 'profile_selected', 2],
  ]
  for (const [name, profile, envProfile, keepSelected, expected, source, builders] of precedence) {
    it(`profile precedence: ${name}`, () => {
      const text = readFixture('multi-profile.ini')
      const c = parse(keepSelected ? text : text.replace(/^profile_selected=.*$/m, ''), {profile, envProfile})
      expect([c.profile, c.profileSource, c.builders]).to.deep.equal([expected, source, builders])
    })
  }

  it('profile_selected works even when [Global Configuration] comes after the profile (C is single-pass)', () => {
    const c = parse('[Mine]\nNumber_of_builders= 5\n[LiveSystem]\n[Global Configuration]\nprofile_selected= Mine\n')
    expect([c.profile, c.builders]).to.deep.equal(['Mine', 5])
  })
})

describe('config/parse: values and compiled defaults', () => {
  it('fills every absent key with the compiled default', () => {
    const c = parse('[LiveSystem]\n', {cpuCount: 4, operatingSystem: 'FreeBSD'})
    expect(c.directories).to.deep.equal(COMPILED_DIRECTORIES)
    expect(c).to.deep.include({
      operatingSystem: 'FreeBSD', packageSuffix: '.txz', metaVersion: 2, builders: 4, buildersSource: 'cpu', maxJobs: 8,
      tmpfsWorkdir: true, tmpfsLocalbase: true, displayWithNcurses: true, leveragePrebuilt: false, checkPlist: false, numaSetsize: 0,
    })
  })

  // [case, cpuCount, Number_of_builders line ('' = absent), builders, source]
  const builderCases: Array<[string, number, string, number, string]> = [
    ['0 uses the CPU count', 6, 'Number_of_builders= 0\n', 6, 'cpu'],
    ['0 caps the CPU count at 16', 64, 'Number_of_builders= 0\n', 16, 'cpu'],
    ['absent uses the CPU count', 12, '', 12, 'cpu'],
    ['a CPU count of 0 still gives 1', 0, '', 1, 'cpu'],
    ['explicit 1024 is allowed', 4, 'Number_of_builders= 1024\n', 1024, 'config'],
    ['explicit beats the CPU count', 64, 'Number_of_builders= 2\n', 2, 'config'],
  ]
  for (const [name, cpuCount, line, builders, source] of builderCases) {
    it(`Number_of_builders: ${name}`, () => {
      const c = parse(HEAD + line, {cpuCount})
      expect([c.builders, c.buildersSource]).to.deep.equal([builders, source])
    })
  }

  it('Max_jobs_per_builder: 0 means the CPU count, uncapped; absent means 8', () => {
    expect(parse(HEAD + 'Max_jobs_per_builder= 0\n', {cpuCount: 48}).maxJobs).to.equal(48)
    expect(parse(HEAD, {cpuCount: 48}).maxJobs).to.equal(8)
    expect(parse(HEAD + 'Max_jobs_per_builder= 8192\n').maxJobs).to.equal(8192)
  })

  it('the repository follows Directory_packages when only that is set', () => {
    expect(parse(HEAD + 'Directory_packages= /pkgs/\n').directories.repository).to.equal('/pkgs/All')
    expect(parse(HEAD + 'Directory_packages= /pkgs\nDirectory_repository= /repo\n').directories.repository).to.equal('/repo')
  })

  it('normalises directories and reads Directory_ccache', () => {
    const c = parse(HEAD + 'Directory_logs= /build//synth/./x/../logs/\nDirectory_ccache= /ccache\n')
    expect(c.directories.logs).to.equal('/build/synth/logs')
    expect(c.directories.ccache).to.equal('/ccache')
    expect(parse(HEAD + 'Directory_ccache= disabled\n').directories.ccache).to.equal(null)
  })

  it('allows a build base that is an ancestor of the other directories', () => {
    const c = parse(HEAD + 'Directory_buildbase= /build\nDirectory_packages= /build/synth/live_packages\n')
    expect(c.directories.buildbase).to.equal('/build')
  })

  // [value, expected boolean]
  const booleans: Array<[string, boolean]> = [['1', true], ['true', true], ['True', true], ['TRUE', true], ['0', false], ['false', false], ['FaLsE', false]]
  for (const [value, expected] of booleans) {
    it(`boolean '${value}' is ${expected}`, () => {
      expect(parse(HEAD + `Check_plist= ${value}\n`).checkPlist).to.equal(expected)
    })
  }

  it('reads the remaining scalar keys', () => {
    const c = parse(HEAD + 'Operating_system= Linux\nPackage_suffix= .tzst\nMeta_version= 3\nNuma_setsize= 2\nDisplay_with_ncurses= 0\n')
    expect(c).to.deep.include({operatingSystem: 'Linux', packageSuffix: '.tzst', metaVersion: 3, numaSetsize: 2, displayWithNcurses: false})
  })
})
