import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, readdir, symlink} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import {expect} from 'chai'
import {parseMountTable} from '../../src/mounttable/parse.js'
import {runCommand} from '../../src/platform/exec.js'
import type {RunResult} from '../../src/platform/exec.js'
import {isAtOrBelow} from '../../src/util/paths.js'
import {type Kernel, type KernelCall, makeKernel} from './kernel-env.js'
import {makeSandbox, type Sandbox, seedMounts, slotLinesAt} from './sandbox.js'

/**
 * The whole apply path with BSD syntax: `dsynth apply|plan|destroy --platform dragonfly|freebsd` spawned with
 * the simulated kernel (test/fixtures/bsd-kernel) first on PATH, so the BSD driver's real command lines run
 * against a table kept in a file. The Template copy (`cp -Rp`) runs for real into the sandbox.
 * The CLI runs from the sources (test/apply/run-dev.js) so that it is never a stale or half-rebuilt dist/;
 * DSYNTH_TEST_CLI=dist runs the built ./bin/run.js instead.
 */

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const USE_DIST = process.env.DSYNTH_TEST_CLI === 'dist'
const CLI = USE_DIST ? [`${REPO}bin/run.js`] : ['--import', 'tsx', `${REPO}test/apply/run-dev.js`]

/** As root, also run the CLI in a private mount namespace, so that nothing could reach the host's table. */
const PRIVATE_NS = process.getuid?.() === 0 && spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status === 0
  ? ['unshare', '--mount', '--propagation', 'private'] : []

/** The parent environment without what would change the CLI's behaviour (dsynth's own variables, colours, debug). */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(DSYNTH_|FAKE_BSD_)/.test(k) && !['FORCE_COLOR', 'NO_COLOR', 'DEBUG', 'NODE_OPTIONS'].includes(k)) env[k] = v
  }
  return env
}

/** Runs the CLI with the kernel's environment. */
function cli(kernel: Kernel, args: string[]): Promise<RunResult> {
  return runCommand([...PRIVATE_NS, process.execPath, ...CLI, ...args], {cwd: REPO, timeoutMs: 120_000,
    env: {...cleanEnv(), NO_COLOR: '1', ...kernel.env}})
}

/** Output of a run, for assertion messages. */
const shown = (r: RunResult) => `exit ${r.exitCode}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`

/** The `-t TYPE` of every single mount and every fstab entry of a `mount -a -F`. */
function fstypes(log: KernelCall[]): Set<string> {
  const types = new Set<string>()
  for (const c of log) {
    if (c.argv[0] === 'mount' && c.argv[1] === '-t') types.add(c.argv[2])
    for (const l of c.fstab?.split('\n').filter(Boolean) ?? []) types.add(l.split('\t')[2])
  }
  return types
}

/** Every path a logged mount/umount acts on (mount points, fstab targets). */
function targetsOf(log: KernelCall[]): string[] {
  const out: string[] = []
  for (const c of log) {
    if (c.argv[0] === 'umount' || (c.argv[0] === 'mount' && (c.argv[1] === '-t' || c.argv[1] === '-u'))) out.push(c.argv.at(-1)!)
    for (const l of c.fstab?.split('\n').filter(Boolean) ?? []) out.push(l.split('\t')[1])
  }
  return out
}

describe('apply: the whole CLI path against the simulated BSD kernel', function () {
  this.timeout(180_000)

  before(function () {
    if (USE_DIST && !existsSync(`${REPO}dist/src/cli.js`)) throw new Error('dist/ is missing: run `npm run build` first')
  })

  // platform | seeded with the seed report (SL00 three times) and an extra SL03, or built from nothing | what plan,
  // apply and destroy say
  const CASES = [
    {platform: 'dragonfly', nullfs: 'null', seeded: true, fresh: ['SL01'],
      plan: 'Plan: 22 to mount, 0 to remount, 66 to unmount.',
      apply: 'Apply complete! Slots: 3 ok. Mounts: 22 mounted, 0 remounted, 66 unmounted.',
      destroy: 'Destroy complete! Slots: 3 removed. Mounts: 0 mounted, 0 remounted, 44 unmounted.'},
    {platform: 'freebsd', nullfs: 'nullfs', seeded: false, fresh: ['SL00', 'SL01'],
      plan: 'Plan: 44 to mount, 0 to remount, 0 to unmount.',
      apply: 'Apply complete! Slots: 2 ok. Mounts: 44 mounted, 0 remounted, 0 unmounted.',
      destroy: 'Destroy complete! Slots: 2 removed. Mounts: 0 mounted, 0 remounted, 44 unmounted.'},
  ] as const

  for (const {platform, nullfs, seeded, fresh, ...says} of CASES) {
    describe(`${platform}${seeded ? ', from the seed report plus an extra slot' : ', from nothing'}`, () => {
      let sb: Sandbox
      let kernel: Kernel
      let ini: string
      const flags = () => ['--platform', platform, '--config', ini, '--no-color']

      before(async () => {
        sb = await makeSandbox(`dsynth-bsd-${platform}-`)
        ini = await sb.writeIni({builders: 2})
        kernel = makeKernel(sb.root, platform)
        if (!seeded) return
        // GIVEN the seed report moved into the sandbox (SL00 mounted three times) plus an extra slot SL03
        const d = sb.desired(platform, {builders: 2})
        const extra = parseMountTable(slotLinesAt(d, 'SL03').join('\n'), {source: 'SL03'}).mounts
        const seed = [...seedMounts(sb), ...extra].map((m) => m.fstype === 'null' ? {...m, fstype: nullfs} : m)
        kernel.seed(seed)
        // the mount points exist, as they do on a host where these were mounted
        for (const m of seed) if (isAtOrBelow(m.target, sb.base)) await mkdir(m.target, {recursive: true})
      })
      after(async () => { await sb.cleanup() })

      it('plan reads the fake `mount` output and sees the changes (exit 2)', async () => {
        const r = await cli(kernel, ['plan', '--detailed-exitcode', ...flags()])
        expect(r.exitCode, shown(r)).to.equal(2)
        expect(r.stdout).to.include(says.plan)
        expect(kernel.readLog().map((c) => c.argv)).to.deep.equal([['mount']])
      })

      it('apply --auto-approve converges using BSD syntax only', async () => {
        kernel.clearLog()
        const r = await cli(kernel, ['apply', '--auto-approve', ...flags()])
        expect(r.exitCode, shown(r)).to.equal(0)
        expect(r.stdout).to.include(says.apply)
        const log = kernel.readLog()
        // only BSD syntax: no util-linux flags, the platform's null type, umount of one node
        for (const c of log) {
          expect(['mount', 'umount', 'fstat']).to.include(c.argv[0])
          expect(c.argv, c.argv.join(' ')).to.not.include.members(['-n', '-T'])
          if (c.argv[0] === 'umount') expect(c.argv).to.have.length(2)
        }
        expect([...fstypes(log)].sort()).to.deep.equal(['devfs', nullfs, 'procfs', 'tmpfs'].sort())
        // each fresh slot: its root alone, then one mount -a -F for the other 21
        const mounts = log.filter((c) => c.argv[0] === 'mount' && c.argv.length > 1)
        expect(mounts).to.have.length(2 * fresh.length)
        for (const slot of fresh) {
          const dir = `${sb.base}/${slot}`
          const root = mounts.findIndex((c) => c.argv.at(-1) === dir)
          const batch = mounts.findIndex((c) => c.fstab?.includes(`\t${dir}/boot\t`))
          expect(mounts[root].argv).to.deep.equal(['mount', '-t', 'tmpfs', '-o', 'rw,size=16g', 'tmpfs', dir])
          expect(mounts[batch].argv.slice(0, 3)).to.deep.equal(['mount', '-a', '-F'])
          expect(batch).to.be.greaterThan(root)
          const targets = mounts[batch].fstab!.trimEnd().split('\n').map((l) => l.split('\t')[1])
          expect(targets).to.have.length(21)
          for (const t of targets) expect(isAtOrBelow(t, dir), t).to.equal(true)
          // the Template was copied into the fresh slot root for real
          expect(existsSync(`${dir}/etc/passwd`)).to.equal(true)
        }
        if (seeded) {
          // SL00: layer 3 then layer 2, each newest first; SL03 newest first
          const newestFirst = sb.desired(platform, {builders: 2}).slots[0].mounts.map((m) => m.target).reverse()
          const umounts = log.filter((c) => c.argv[0] === 'umount').map((c) => c.argv[1])
          expect(umounts.filter((t) => isAtOrBelow(t, `${sb.base}/SL00`))).to.deep.equal([...newestFirst, ...newestFirst])
          expect(umounts.filter((t) => isAtOrBelow(t, `${sb.base}/SL03`))).to.deep.equal(newestFirst.map((t) => t.replace('/SL00', '/SL03')))
        }
        // everything acted on is inside <base>/SLnn
        for (const t of targetsOf(log)) expect(t.slice(sb.base.length + 1), t).to.match(/^SL\d{2}(\/|$)/)
      })

      it('plan --detailed-exitcode exits 0 afterwards, reading the fake `mount` output', async () => {
        const r = await cli(kernel, ['plan', '--detailed-exitcode', ...flags()])
        expect(r.exitCode, shown(r)).to.equal(0)
      })

      it('a second apply makes no mount or umount call, only table reads', async () => {
        kernel.clearLog()
        const r = await cli(kernel, ['apply', '--auto-approve', ...flags()])
        expect(r.exitCode, shown(r)).to.equal(0)
        const log = kernel.readLog()
        expect(log.length).to.be.greaterThan(0)
        expect(log.map((c) => c.argv)).to.deep.equal(log.map(() => ['mount']))
      })

      it('destroy leaves no slot mount and removes the slot directories, never Template', async () => {
        const host = kernel.readTable().filter((m) => !isAtOrBelow(m.target, sb.base))
        kernel.clearLog()
        const r = await cli(kernel, ['destroy', '--auto-approve', ...flags()])
        expect(r.exitCode, shown(r)).to.equal(0)
        expect(r.stdout).to.include(says.destroy)
        expect(kernel.readTable()).to.deep.equal(host)
        expect((await readdir(sb.base)).filter((n) => !n.startsWith('.')).sort()).to.deep.equal(['Template'])
        for (const c of kernel.readLog()) expect(c.argv, c.argv.join(' ')).to.not.include.members(['-n', '-T', '-f'])
      })
    })
  }

  describe('dragonfly: what apply refuses or cannot do', () => {
    let sb: Sandbox
    beforeEach(async () => { sb = await makeSandbox('dsynth-bsd-refuse-') })
    afterEach(async () => { await sb.cleanup() })
    const flags = (ini: string) => ['--platform', 'dragonfly', '--config', ini, '--no-color']

    it('a busy extra slot is retried, then reported with the holder fstat finds, left mounted, and apply exits 1', async () => {
      // GIVEN SL00 complete and an extra SL02 (root + construction) whose construction is busy
      const ini = await sb.writeIni({builders: 1})
      const d = sb.desired('dragonfly', {builders: 1})
      const busy = `${sb.base}/SL02/construction`
      const kernel = makeKernel(sb.root, 'dragonfly', {FAKE_BSD_BUSY: busy,
        // a make whose working directory is in construction (its own tmpfs), as during a build
        FAKE_BSD_FSTAT: `root     make        4242   wd ${busy}   2 drwxr-xr-x     512  r`})
      const lines = [...slotLinesAt(d, 'SL00'), ...slotLinesAt(d, 'SL02', ['/', '/construction'])]
      kernel.seed(parseMountTable(lines.join('\n'), {source: 'test'}).mounts)
      // WHEN applied with a short busy timeout
      const r = await cli(kernel, ['apply', '--auto-approve', '--busy-timeout', '2s', ...flags(ini)])
      // THEN it fails, naming the holder, and the busy mounts are still there
      expect(r.exitCode, shown(r)).to.equal(1)
      expect(r.stdout + r.stderr, shown(r)).to.match(/pid 4242 root make \(cwd\)/)
      expect(kernel.readTable().map((m) => m.target).filter((t) => isAtOrBelow(t, `${sb.base}/SL02`))).to.deep.equal([`${sb.base}/SL02`, busy])
      const log = kernel.readLog()
      expect(log.filter((c) => c.argv.join(' ') === `umount ${busy}`).length).to.be.greaterThan(1)
      expect(log.some((c) => c.argv.join(' ') === `fstat -f ${busy}`), 'fstat -f looks at one filesystem: the busy one').to.equal(true)
      expect(log.some((c) => c.argv.includes('-f') && c.argv[0] === 'umount')).to.equal(false)
    })

    it('refuses to mount through a symlink planted at a mount target; nothing is mounted through it', async () => {
      // GIVEN SL00 with only its root, /dev and /proc mounted, and SL00/xports -> a directory outside the build base
      const ini = await sb.writeIni({builders: 1})
      const d = sb.desired('dragonfly', {builders: 1})
      const kernel = makeKernel(sb.root, 'dragonfly')
      kernel.seed(parseMountTable(slotLinesAt(d, 'SL00', ['/', '/dev', '/proc']).join('\n'), {source: 'test'}).mounts)
      await mkdir(`${sb.root}/outside`)
      await mkdir(`${sb.base}/SL00`, {recursive: true})
      await symlink(`${sb.root}/outside`, `${sb.base}/SL00/xports`)
      // WHEN applied
      const r = await cli(kernel, ['apply', '--auto-approve', ...flags(ini)])
      // THEN it fails naming the symlink, and no mount command ran
      expect(r.exitCode, shown(r)).to.equal(1)
      expect(r.stdout + r.stderr).to.include(`${sb.base}/SL00/xports is a symbolic link`)
      expect(kernel.readLog().filter((c) => c.argv.length > 1)).to.deep.equal([])
      expect(kernel.readTable()).to.have.length(3)
      expect(await readdir(`${sb.root}/outside`)).to.deep.equal([])
    })

    it('refuses a saved plan that went stale: something got mounted in the empty slots since', async () => {
      const ini = await sb.writeIni({builders: 1})
      const kernel = makeKernel(sb.root, 'dragonfly')
      const file = `${sb.root}/slots.plan`
      const saved = await cli(kernel, ['plan', '--out', file, ...flags(ini)])
      expect(saved.exitCode, shown(saved)).to.equal(0)
      // something mounts in the build base behind dsynth's back
      await mkdir(`${sb.base}/SL00`, {recursive: true})
      const m = await runCommand(['mount', '-t', 'tmpfs', '-o', 'rw', 'tmpfs', `${sb.base}/SL00`], {env: {...cleanEnv(), ...kernel.env}})
      expect(m.exitCode, m.stderr).to.equal(0)
      kernel.clearLog()
      const r = await cli(kernel, ['apply', file, ...flags(ini)])
      expect(r.exitCode, shown(r)).to.equal(1)
      expect(r.stderr).to.include('Saved plan is stale')
      expect(kernel.readLog().map((c) => c.argv)).to.deep.equal([['mount']])
    })
  })
})
