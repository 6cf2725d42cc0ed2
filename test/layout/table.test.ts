import {expect} from 'chai'
import type {PlatformName} from '../../src/config/types.js'
import {layoutRows} from '../../src/layout/table.js'
import {config} from '../plan/tables.js'

/**
 * The slot layout of each platform. BSD rows are C dsynth's (reference/dsynth.md §3.1, as the issue lists them);
 * Linux builds the same roles from tmpfs, bind mounts and proc for a Debian-style merged-/usr host: /dev is its own
 * small tmpfs (never the host's devtmpfs or a bind of /dev), /libexec and /usr/libdata (BSD only) give way to /lib64
 * and /etc/alternatives (so `cc` resolves), every system directory is a read-only bind of the host's.
 */

/** `path fstype source options` of each row. */
function rows(platform: PlatformName, o: Parameters<typeof config>[0] = {}, hasUsrSrc = false): string[] {
  return layoutRows(platform, config(o), {hasUsrSrc}).map((r) => `${r.path} ${r.fstype} ${r.source} ${r.options.join(',')}`)
}

const BSD_SYSTEM = ['/bin', '/sbin', '/lib', '/libexec', '/usr/bin', '/usr/include', '/usr/lib', '/usr/libdata', '/usr/libexec',
  '/usr/sbin', '/usr/share', '/usr/games']

/** The BSD layout with the seed report's directories and `nullfs` as the null filesystem's name. */
function bsdLayout(nullfs: string, devfs: string): string[] {
  return [
    '/ tmpfs tmpfs rw,size=16g',
    '/boot tmpfs tmpfs rw,size=16g',
    devfs,
    '/proc procfs procfs ro',
    ...BSD_SYSTEM.map((d) => `${d} ${nullfs} ${d} ro`),
    `/xports ${nullfs} /build/synth/dports ro`,
    `/options ${nullfs} /build/synth/options rw`,
    `/packages ${nullfs} /build/synth/live_packages rw`,
    `/distfiles ${nullfs} /build/synth/distfiles rw`,
    '/construction tmpfs tmpfs rw,size=64g',
    '/usr/local tmpfs tmpfs rw,size=16g',
  ]
}

const LINUX = [
  '/ tmpfs dsynth rw,size=16g',
  '/boot tmpfs dsynth rw,size=16g',
  '/dev tmpfs dsynth-dev rw,size=1m,mode=755',
  '/proc proc proc ro,nosuid,nodev,noexec',
  ...['/bin', '/sbin', '/lib', '/lib64', '/usr/bin', '/usr/include', '/usr/lib', '/usr/libexec', '/usr/sbin', '/usr/share', '/usr/games',
    '/etc/alternatives'].map((d) => `${d} bind ${d} ro`),
  '/xports bind /build/synth/dports ro',
  '/options bind /build/synth/options rw',
  '/packages bind /build/synth/live_packages rw',
  '/distfiles bind /build/synth/distfiles rw',
  '/construction tmpfs dsynth rw,size=64g',
  '/usr/local tmpfs dsynth rw,size=16g',
]

describe('layout/table: layoutRows', () => {
  // [platform, the 22 rows in order]
  const cases: Array<[PlatformName, string[]]> = [
    ['dragonfly', bsdLayout('null', '/dev devfs devfs rw')],
    ['freebsd', bsdLayout('nullfs', '/dev devfs devfs rw')],
    ['linux', LINUX],
  ]
  for (const [platform, want] of cases) {
    it(`${platform}: 22 mounts in the issue's order`, () => {
      const got = rows(platform)
      expect(got).to.have.length(22)
      expect(got).to.deep.equal(want)
    })

    it(`${platform}: /ccache (rw) is added last when Directory_ccache is not disabled`, () => {
      const got = rows(platform, {ccache: '/build/ccache'})
      expect(got).to.have.length(23)
      expect(got.slice(0, 22)).to.deep.equal(want)
      expect(got[22]).to.match(/^\/ccache (null|nullfs|bind) \/build\/ccache rw$/)
    })
  }

  // [platform, hasUsrSrc, rows, index of /usr/src or -1]
  const usrSrc: Array<[PlatformName, boolean, number, number]> = [
    ['dragonfly', true, 23, 16],
    ['freebsd', true, 23, 16],
    ['dragonfly', false, 22, -1],
    ['linux', false, 22, -1],
  ]
  for (const [platform, has, count, index] of usrSrc) {
    it(`${platform} with${has ? '' : 'out'} usr/src/sys/Makefile: ${count} mounts, /usr/src ${index < 0 ? 'absent' : 'ro after /usr/games'}`, () => {
      const got = rows(platform, {}, has)
      expect(got).to.have.length(count)
      expect(got.findIndex((r) => r.startsWith('/usr/src '))).to.equal(index)
      if (index >= 0) expect(got[index]).to.match(/^\/usr\/src nullf?s? \/usr\/src ro$/)
    })
  }

  it('system mounts come from Directory_system (`$/dir`)', () => {
    const got = rows('dragonfly', {system: '/sysroot'}, true)
    expect(got.filter((r) => / null \/sysroot\//.test(r))).to.have.length(13)
    expect(got).to.include('/usr/bin null /sysroot/usr/bin ro')
    expect(got).to.include('/usr/src null /sysroot/usr/src ro')
  })

  it('every layout lists parents before children: the root first, nothing nested in a later row', () => {
    for (const platform of ['dragonfly', 'freebsd', 'linux'] as const) {
      const paths = layoutRows(platform, config({ccache: '/c'}), {hasUsrSrc: true}).map((r) => r.path)
      expect(paths[0]).to.equal('/')
      paths.forEach((p, i) => {
        for (const later of paths.slice(i + 1)) expect(p.startsWith(later + '/'), `${p} before its parent ${later}`).to.equal(false)
      })
    }
  })
})
