import {expect} from 'chai'
import {
  MAKE_PHASES, SETUP_PHASE, makeConfVars, makePhases, parseProfileMakeConf, phaseEnv, renderMakeConf, setsNoDepends,
  watchdogMs, workerEnv,
} from '../../src/build/phases.js'

describe('build/phases', () => {
  it("runs C dsynth's phases in order with its watchdog minutes", () => {
    expect(makePhases().map((p) => `${p.name}:${p.watchdogMinutes}`)).to.deep.equal([
      'check-sanity:10', 'pkg-depends:10', 'fetch-depends:120', 'fetch:120', 'checksum:10', 'extract-depends:15',
      'extract:15', 'patch-depends:10', 'patch:10', 'build-depends:60', 'lib-depends:60', 'configure:15', 'build:180',
      'run-depends:60', 'stage:60', 'package:60',
    ])
    expect(makePhases({checkPlist: true}).map((p) => p.name)).to.include('check-plist')
    expect(MAKE_PHASES.at(-1)!.name).to.equal('package')
    expect(SETUP_PHASE).to.deep.equal({name: 'setup', watchdogMinutes: 30})
  })

  // [phase, NO_DEPENDS=1 set]
  const noDepends: [string, boolean][] = [
    ['setup', true], ['check-sanity', false], ['pkg-depends', false], ['fetch-depends', false], ['fetch', false],
    ['checksum', false], ['extract-depends', false], ['extract', false], ['patch-depends', false], ['patch', false],
    ['build-depends', false], ['lib-depends', false], ['configure', false], ['build', true], ['run-depends', false],
    ['stage', false], ['check-plist', false], ['package', true],
  ]
  for (const [phase, set] of noDepends) {
    it(`${set ? 'sets' : 'does not set'} NO_DEPENDS for ${phase}`, () => {
      expect(setsNoDepends(phase)).to.equal(set)
      expect(phaseEnv(workerEnv(null), phase).NO_DEPENDS).to.equal(set ? '1' : undefined)
    })
  }

  it("gives every phase C dsynth's environment, FLAVOR when flavored", () => {
    expect(workerEnv('loud', {UNAME_s: 'Linux'})).to.deep.equal({
      TERM: 'dumb', USER: 'root', HOME: '/root', LANG: 'C', SSL_NO_VERIFY_PEER: '1',
      PATH: '/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin', UNAME_s: 'Linux', FLAVOR: 'loud',
    })
    expect(workerEnv(null)).to.not.have.property('FLAVOR')
  })

  it('writes make.conf: the profile lines, then C dsynth variables in order', () => {
    const text = renderMakeConf(['WITH_DEBUG=yes', 'STRIP='], makeConfVars({
      packageSuffix: '.txz', maxJobs: 4, ccache: true, pkgSufx: true, system: {ARCH: 'x86_64', OPSYS: 'DragonFly'},
    }))
    expect(text).to.equal([
      'WITH_DEBUG=yes', 'STRIP=', 'USE_PACKAGE_DEPENDS_ONLY=yes', 'PORTSDIR=/xports', 'PORT_DBDIR=/options',
      'PKG_DBDIR=/var/db/pkg', 'PKG_CACHEDIR=/var/cache/pkg', 'PKG_COMPRESSION_FORMAT=.txz', 'PKG_SUFX=.txz',
      'WITH_CCACHE_BUILD=yes', 'CCACHE_DIR=/ccache', 'UID=0', 'ARCH=x86_64', 'OPSYS=DragonFly', 'DISTDIR=/distfiles',
      'WRKDIRPREFIX=/construction', 'PACKAGES=/packages', 'BATCH=yes', 'PACKAGE_BUILDING=yes',
      'PKG_CREATE_VERBOSE=yes', 'MAKE_JOBS_NUMBER=4', '',
    ].join('\n'))
  })

  it('leaves PKG_SUFX and ccache out unless asked', () => {
    const names = makeConfVars({packageSuffix: '.pkg', maxJobs: 1}).map(([k]) => k)
    expect(names).to.not.include.members(['PKG_SUFX', 'WITH_CCACHE_BUILD', 'CCACHE_DIR'])
  })

  // [profile make.conf text, kept lines]
  const profiles: [string, string[]][] = [
    ['#LICENSES_ACCEPTED= NONE\n;comment\n\nDISABLE_LICENSES= yes\n', ['DISABLE_LICENSES=yes']],
    ['  STRIP=  \nWITH_DEBUG=yes\n', ['STRIP=', 'WITH_DEBUG=yes']],
    ['not an assignment\n=novar\n', []],
  ]
  for (const [text, lines] of profiles) {
    it(`keeps ${JSON.stringify(lines)} of a profile make.conf`, () => {
      expect(parseProfileMakeConf(text)).to.deep.equal(lines)
    })
  }

  it('scales watchdogs and takes overrides', () => {
    const build = MAKE_PHASES.find((p) => p.name === 'build')!
    expect(watchdogMs(build)).to.equal(180 * 60_000)
    expect(watchdogMs(build, {unitMs: 10})).to.equal(1800)
    expect(watchdogMs(build, {unitMs: 10, minutes: {build: 2}})).to.equal(20)
  })
})
