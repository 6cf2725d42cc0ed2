import {readFileSync} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {expect} from 'chai'
import {parseConfig} from '../../src/config/parse.js'
import type {PlatformName} from '../../src/config/types.js'
import {computeDesiredState} from '../../src/layout/slots.js'
import type {MountSpec} from '../../src/layout/types.js'
import {BsdPlatform, bsdBatchArgv, bsdMountArgv, bsdRemountArgv, bsdUnmountArgv} from '../../src/platform/bsd.js'
import {bsdFstabLine, escapeFstab, linuxFstabLine} from '../../src/platform/fstab.js'
import {linuxBatchArgv, linuxRemountArgv, linuxUnmountArgv} from '../../src/platform/linux.js'
import {type Kernel, makeKernel, withEnv} from '../apply/kernel-env.js'
import {makeSandbox, type Sandbox} from '../apply/sandbox.js'
import {expectGolden} from '../helpers/golden.js'

const SEED_INI = readFileSync(new URL('../fixtures/config/seed-tripled.ini', import.meta.url), 'utf8')

/** SL00 of the seed dsynth.ini (build base /build) on a platform, with /usr/src present. */
function slot(platform: PlatformName): MountSpec[] {
  const config = parseConfig(SEED_INI, {file: 'seed-tripled.ini', cpuCount: 8})
  return computeDesiredState(config, platform, '/build', {hasUsrSrc: platform !== 'linux'}).slots[0].mounts
}

const at = (specs: MountSpec[], p: string) => specs.find((s) => s.path === p)!

/** The golden text of one BSD platform's command lines. */
function bsdGolden(platform: 'dragonfly' | 'freebsd'): string {
  const specs = slot(platform)
  const lines = [
    `# ${platform}: dsynth's command lines for slot SL00 of the seed dsynth.ini (build base /build, /usr/src present)`,
    '## one process per mount (bsdMountArgv), in layout order',
    ...specs.map((s) => bsdMountArgv(s).join(' ')),
    '## ro/rw in place (bsdRemountArgv)',
    bsdRemountArgv(at(specs, '/bin')).join(' '),
    bsdRemountArgv(at(specs, '/distfiles')).join(' '),
    '## unmount, newest first (bsdUnmountArgv)',
    ...[...specs].reverse().map((s) => bsdUnmountArgv(s.target).join(' ')),
    '## batch below the slot root (bsdBatchArgv) and the fstab it reads (bsdFstabLine)',
    bsdBatchArgv('FSTAB').join(' '),
    ...specs.slice(1).map(bsdFstabLine),
  ]
  return lines.join('\n') + '\n'
}

describe('platform: BSD and Linux command lines', () => {
  describe('golden command lines per BSD platform', () => {
    for (const platform of ['dragonfly', 'freebsd'] as const) {
      it(`${platform} matches test/golden/bsd-${platform}-commands.txt`, () => {
        expectGolden(`bsd-${platform}-commands.txt`, bsdGolden(platform))
      })
    }
  })

  describe('exact argv of the single commands', () => {
    const df = slot('dragonfly')
    const fb = slot('freebsd')
    // platform slot path | argv
    const CASES: Array<[MountSpec, string[]]> = [
      [at(df, '/usr/include'), ['mount', '-t', 'null', '-o', 'ro', '/usr/include', '/build/SL00/usr/include']],
      [at(fb, '/usr/include'), ['mount', '-t', 'nullfs', '-o', 'ro', '/usr/include', '/build/SL00/usr/include']],
      [at(df, '/distfiles'), ['mount', '-t', 'null', '-o', 'rw', '/build/synth/distfiles', '/build/SL00/distfiles']],
      [at(df, '/construction'), ['mount', '-t', 'tmpfs', '-o', 'rw,size=64g', 'tmpfs', '/build/SL00/construction']],
      [at(fb, '/'), ['mount', '-t', 'tmpfs', '-o', 'rw,size=16g', 'tmpfs', '/build/SL00']],
      [at(df, '/dev'), ['mount', '-t', 'devfs', '-o', 'rw', 'devfs', '/build/SL00/dev']],
      [at(fb, '/proc'), ['mount', '-t', 'procfs', '-o', 'ro', 'procfs', '/build/SL00/proc']],
    ]
    for (const [spec, argv] of CASES) {
      it(argv.join(' '), () => expect(bsdMountArgv(spec)).to.deep.equal(argv))
    }

    it('remounts with mount -u -o ro|rw, unmounts with umount DST, batches with mount -a -F FILE', () => {
      expect(bsdRemountArgv(at(df, '/bin'))).to.deep.equal(['mount', '-u', '-o', 'ro', '/build/SL00/bin'])
      expect(bsdRemountArgv(at(fb, '/packages'))).to.deep.equal(['mount', '-u', '-o', 'rw', '/build/SL00/packages'])
      expect(bsdUnmountArgv('/build/SL00/xports')).to.deep.equal(['umount', '/build/SL00/xports'])
      expect(bsdBatchArgv('/tmp/dsynth-fstab-x/fstab')).to.deep.equal(['mount', '-a', '-F', '/tmp/dsynth-fstab-x/fstab'])
      expect(bsdFstabLine(at(fb, '/xports'))).to.equal('/build/synth/dports\t/build/SL00/xports\tnullfs\tro\t0\t0')
      expect(bsdFstabLine(at(df, '/usr/local'))).to.equal('tmpfs\t/build/SL00/usr/local\ttmpfs\trw,size=16g\t0\t0')
    })

    it('Linux: one mount -a -n -T FILE with bind,ro,x-mount.mkdir lines; umount -n t1 t2; remount argv', () => {
      const lx = slot('linux')
      expect(linuxBatchArgv('/tmp/f')).to.deep.equal(['mount', '-a', '-n', '-T', '/tmp/f'])
      expect(linuxFstabLine(at(lx, '/usr/include'), true)).to.equal('/usr/include /build/SL00/usr/include none bind,ro,x-mount.mkdir 0 0')
      expect(linuxFstabLine(at(lx, '/distfiles'), true)).to.equal('/build/synth/distfiles /build/SL00/distfiles none bind,rw,x-mount.mkdir 0 0')
      expect(linuxFstabLine(at(lx, '/'), true)).to.equal('dsynth /build/SL00 tmpfs rw,size=16g,x-mount.mkdir 0 0')
      expect(linuxFstabLine(at(lx, '/proc'), false)).to.equal('proc /build/SL00/proc proc ro,nosuid,nodev,noexec 0 0')
      expect(linuxUnmountArgv(['/build/SL00/proc', '/build/SL00'])).to.deep.equal(['umount', '-n', '/build/SL00/proc', '/build/SL00'])
      expect(linuxRemountArgv(at(lx, '/bin'))).to.deep.equal(['mount', '-n', '-o', 'remount,bind,ro', '/build/SL00/bin'])
      expect(linuxRemountArgv(at(lx, '/construction'))).to.deep.equal(['mount', '-n', '-o', 'remount,rw', '/build/SL00/construction'])
      for (const argv of [linuxBatchArgv('f'), linuxUnmountArgv(['t']), linuxRemountArgv(at(lx, '/bin'))]) expect(argv).to.include('-n')
    })

    it('escapes space, tab, newline and backslash in fstab fields as octal', () => {
      expect(escapeFstab('/my ports\tx\ny\\z')).to.equal('/my\\040ports\\011x\\012y\\134z')
      const spec = {...at(df, '/xports'), source: '/home/me/my ports', target: '/build dir/SL00/xports'}
      expect(bsdFstabLine(spec)).to.equal('/home/me/my\\040ports\t/build\\040dir/SL00/xports\tnull\tro\t0\t0')
      expect(linuxFstabLine({...spec, fstype: 'bind'}, true)).to.equal('/home/me/my\\040ports /build\\040dir/SL00/xports none bind,ro,x-mount.mkdir 0 0')
    })
  })

  describe('BsdPlatform against the simulated kernel', () => {
    let sb: Sandbox
    let kernel: Kernel
    beforeEach(async () => { sb = await makeSandbox('dsynth-bsd-driver-') })
    afterEach(async () => { await sb.cleanup() })

    for (const platform of ['dragonfly', 'freebsd'] as const) {
      it(`${platform}: root alone, then one mount -a -F; remount; umount one by one; the table reads back (golden)`, async () => {
        kernel = makeKernel(sb.root, platform)
        const specs = sb.desired(platform, {builders: 1}).slots[0].mounts
        const driver = new BsdPlatform(platform)
        const table = await withEnv(kernel.env, async () => {
          expect((await driver.mount(specs)).ok).to.equal(true)
          expect((await driver.remount({...at(specs, '/bin'), readonly: false})).ok).to.equal(true)
          const read = await driver.readMountTable()
          expect((await driver.unmount([...specs].reverse().map((s) => s.target))).ok).to.equal(true)
          return read
        })
        // the table as the driver read it: every layout mount, /bin now read-write
        expect(table.mounts.map((m) => [m.source, m.target, m.fstype, m.readonly]))
          .to.deep.equal(specs.map((s) => [s.source, s.target, s.fstype, s.path === '/bin' ? false : s.readonly]))
        expect(kernel.readTable()).to.deep.equal([])
        const text = kernel.readLog().map((c) => [c.argv.join(' '), ...(c.fstab ? c.fstab.trimEnd().split('\n').map((l) => `  | ${l}`) : [])].join('\n'))
          .join('\n').replaceAll(sb.root, '$ROOT').replace(/\/\S*dsynth-fstab-\w+\/fstab/g, '$FSTAB') + '\n'
        expectGolden(`bsd-${platform}-driver.txt`, text)
      })
    }

    it('mounts a source whose path has a space through the fstab escapes', async () => {
      // dsynth.ini refuses spaces, but a source reached through a symlink may resolve to such a path
      kernel = makeKernel(sb.root, 'dragonfly')
      await mkdir(`${sb.root}/my ports`)
      const specs = sb.desired('dragonfly', {builders: 1}).slots[0].mounts
        .map((s) => s.path === '/xports' ? {...s, source: `${sb.root}/my ports`} : s)
      const driver = new BsdPlatform('dragonfly')
      const table = await withEnv(kernel.env, async () => {
        expect((await driver.mount(specs)).ok).to.equal(true)
        return driver.readMountTable()
      })
      expect(kernel.readLog()[1].fstab).to.include(`${sb.root}/my\\040ports\t${sb.base}/SL00/xports\tnull\tro`)
      expect(table.mounts.find((m) => m.target === `${sb.base}/SL00/xports`)?.source).to.equal(`${sb.root}/my ports`)
    })

    it('reports a failed batch entry (mount -a goes on with the rest and exits 1)', async () => {
      kernel = makeKernel(sb.root, 'freebsd')
      const specs = sb.desired('freebsd', {builders: 1, portsdir: `${sb.root}/no-ports`}).slots[0].mounts
      const r = await withEnv(kernel.env, () => new BsdPlatform('freebsd').mount(specs))
      expect(r.ok).to.equal(false)
      expect(r.commands.at(-1)!.stderr).to.include(`${sb.root}/no-ports: No such file or directory`)
      expect(kernel.readTable()).to.have.length(specs.length - 1)
    })

    it('reports Device busy, and finds holders with fstat -f', async () => {
      const dir = `${sb.base}/SL00`
      kernel = makeKernel(sb.root, 'dragonfly', {FAKE_BSD_BUSY: dir,
        FAKE_BSD_FSTAT: `root     sh          4242   wd ${dir}      2 drwxr-xr-x     512  r\nroot     make        4243 text ${dir}     77 -rwxr-xr-x  180000  r`})
      const driver = new BsdPlatform('dragonfly')
      const root = sb.desired('dragonfly', {builders: 1}).slots[0].mounts[0]
      const [r, holders] = await withEnv(kernel.env, async () => {
        await driver.mount([root])
        return [await driver.unmount([dir]), await driver.findHolders([dir])] as const
      })
      expect(r.ok).to.equal(false)
      expect(r.commands[0].stderr).to.equal(`umount: unmount of ${dir} failed: Device busy\n`)
      expect(holders).to.deep.equal([
        {pid: 4242, user: 'root', command: 'sh', how: ['cwd'], path: dir},
        {pid: 4243, user: 'root', command: 'make', how: ['exe'], path: dir},
      ])
      expect(kernel.readLog().map((c) => c.argv[0])).to.deep.equal(['mount', 'umount', 'fstat'])
    })

    it('the simulated kernel rejects syntax the driver never produces (exit 64)', async () => {
      kernel = makeKernel(sb.root, 'dragonfly')
      const driver = new BsdPlatform('dragonfly')
      // argv | why it is rejected
      const BAD: Array<[string[], string]> = [
        [['mount', '-a', '-n', '-T', '/tmp/x'], 'util-linux batch syntax'],
        [['mount', '-n', '-o', 'remount,ro', '/x'], 'util-linux remount'],
        [['umount', '-n', '/x'], 'umount -n'],
        [['umount', '/x', '/y'], 'several nodes'],
        [['mount', '-o', 'ro', '/a', '/b'], 'no -t'],
      ]
      await withEnv(kernel.env, async () => {
        for (const [argv, why] of BAD) {
          const r = await driver.run(argv)
          expect(r.exitCode, why).to.equal(64)
          expect(r.stderr, why).to.match(/^usage: /)
        }
      })
    })
  })
})
