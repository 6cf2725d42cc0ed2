import {expect} from 'chai'
import {COMPILED_DIRECTORIES, defaultConfig, deriveBuilders} from '../../src/config/defaults.js'

describe('config/defaults', () => {
  it('defaultConfig prints exactly the three no-config lines with the worker count', () => {
    expect(defaultConfig(6).warnings).to.deep.equal([
      'Warning: No config file found at /etc/dsynth/dsynth.ini',
      'Using defaults: 6 workers (detected from CPU count)',
      "Run 'dsynth init' to create a config file, or override with config file settings.",
    ])
  })

  it('defaultConfig uses build base /build and the compiled defaults for the rest', () => {
    const c = defaultConfig(4, 'Linux')
    expect(c.directories).to.deep.equal({...COMPILED_DIRECTORIES, buildbase: '/build'})
    expect(c).to.deep.include({
      file: null, configBase: null, profile: 'LiveSystem', profileSource: 'default', operatingSystem: 'Linux',
      builders: 4, buildersSource: 'cpu', maxJobs: 8, packageSuffix: '.txz', metaVersion: 2,
    })
  })

  // [cpuCount, builders]
  const cpus: Array<[number, number]> = [[0, 1], [1, 1], [7, 7], [16, 16], [17, 16], [256, 16], [Number.NaN, 1]]
  for (const [cpuCount, builders] of cpus) {
    it(`${cpuCount} CPUs give ${builders} builders`, () => {
      expect(deriveBuilders(cpuCount)).to.equal(builders)
      expect(defaultConfig(cpuCount).warnings[1]).to.equal(`Using defaults: ${builders} workers (detected from CPU count)`)
    })
  }

  it('defaultConfig returns a fresh object each time (callers may not share mutations)', () => {
    const a = defaultConfig(2)
    a.directories.logs = '/elsewhere'
    a.warnings.push('x')
    expect(defaultConfig(2).directories.logs).to.equal('/build/synth/logs')
    expect(defaultConfig(2).warnings).to.have.length(3)
  })
})
