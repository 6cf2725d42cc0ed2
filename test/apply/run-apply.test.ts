import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, readdir, rmdir, symlink, writeFile} from 'node:fs/promises'
import {expect} from 'chai'
import {type ApplyRequest, type ApplyResult, runApply} from '../../src/apply/run-apply.js'
import type {Config} from '../../src/config/types.js'
import {isDsynthError} from '../../src/errors.js'
import {lockPath} from '../../src/platform/lock.js'
import {savePlanFile} from '../../src/plan/plan-file.js'
import {preparePlan} from '../../src/plan/prepare.js'
import {FakePlatform} from '../helpers/fake-platform.js'
import {hostPlus, makeSandbox, type Sandbox, slotLines} from './sandbox.js'

/** A runApply request against a fake platform; approval is refused unless the test says otherwise. */
function request(config: Config, fake: FakePlatform, o: Partial<ApplyRequest> = {}): ApplyRequest {
  return {config, platformName: 'dragonfly', platform: fake, mode: 'apply', parallelism: 4, busyTimeoutMs: 0, lockTimeoutMs: 0,
    command: 'dsynth apply --test', approve: async () => { throw new Error('approve must not be called') }, ...o}
}

/** Saves the plan of `config` against the fake's current table to `<root>/slots.plan`. */
async function savePlan(sb: Sandbox, config: Config, fake: FakePlatform, mode: 'apply' | 'destroy' = 'apply'): Promise<string> {
  const {plan} = await preparePlan({config, platformName: 'dragonfly', platform: fake, mode})
  const file = `${sb.root}/slots.plan`
  await savePlanFile(file, plan, {configFile: config.file})
  return file
}

/** The rejection of `p`, or a failure when it resolves. */
async function rejection(p: Promise<unknown>): Promise<Error & {code?: string; exit?: number}> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a rejection')
}

const mutating = (fake: FakePlatform) => fake.calls.filter((c) => !c.startsWith('run '))

describe('apply/run-apply: runApply against the fake platform', () => {
  let sb: Sandbox
  beforeEach(async () => { sb = await makeSandbox() })
  afterEach(async () => { await sb.cleanup() })

  it('asks, applies, verifies, and a second run finds nothing to do and makes no call', async () => {
    const fake = new FakePlatform()
    let asked = 0
    const approve = async () => { asked++; return true }
    const first = await runApply(request(sb.config(), fake, {approve}))
    expect([first.ok, first.status, asked, first.totals]).to.deep.equal([true, 'applied', 1, {mounted: 44, remounted: 0, unmounted: 0}])
    expect(first.remaining!.changes).to.deep.equal([])
    const calls = fake.calls.length
    const second = await runApply(request(sb.config(), fake, {approve}))
    expect([second.ok, second.status, asked]).to.deep.equal([true, 'no-changes', 1])
    expect(fake.calls.slice(calls)).to.deep.equal([])
    expect(existsSync(lockPath(sb.base)), 'lock released').to.equal(false)
  })

  it('applies a saved plan without asking', async () => {
    const fake = new FakePlatform()
    const file = await savePlan(sb, sb.config(), fake)
    const r = await runApply(request(sb.config(), fake, {planFile: file}))
    expect([r.ok, r.status, r.totals.mounted]).to.deep.equal([true, 'applied', 44])
  })

  describe('refuses a stale saved plan (exit 1) before any call', () => {
    /** Asserts the stale refusal and that nothing was mounted or unmounted. */
    async function expectStale(p: Promise<ApplyResult>, fake: FakePlatform, callsBefore: number): Promise<void> {
      const e = await rejection(p)
      expect(isDsynthError(e), String(e)).to.equal(true)
      expect([e.code, e.exit]).to.deep.equal(['PLANFILE_STALE', 1])
      expect(e.message).to.match(/^Saved plan is stale/)
      expect(fake.calls.slice(callsBefore)).to.deep.equal([])
    }

    it('when a mount under the build base changed', async () => {
      const d = sb.desired('dragonfly')
      const fake = new FakePlatform({table: hostPlus([...slotLines(d, 'SL00'), ...slotLines(d, 'SL01')])})
      const file = await savePlan(sb, sb.config(), fake)
      await fake.remount({...d.slots[1].mounts[5], readonly: false})
      const before = fake.calls.length
      await expectStale(runApply(request(sb.config(), fake, {planFile: file})), fake, before)
    })

    it('when the configuration changed (Number_of_builders)', async () => {
      const fake = new FakePlatform()
      const file = await savePlan(sb, sb.config({builders: 2}), fake)
      await expectStale(runApply(request(sb.config({builders: 3}), fake, {planFile: file})), fake, 0)
    })

    it('when the slots were empty at plan time and something got mounted since', async () => {
      const fake = new FakePlatform()
      const file = await savePlan(sb, sb.config(), fake)
      await fake.mount([sb.desired('dragonfly').slots[1].mounts[0]])
      const before = fake.calls.length
      await expectStale(runApply(request(sb.config(), fake, {planFile: file})), fake, before)
    })
  })

  it('does nothing when approval is declined', async () => {
    const fake = new FakePlatform()
    const r = await runApply(request(sb.config(), fake, {approve: async () => false}))
    expect([r.ok, r.status]).to.deep.equal([false, 'declined'])
    expect(fake.calls).to.deep.equal([])
    expect(existsSync(lockPath(sb.base))).to.equal(false)
  })

  it('reports an interrupt before the start as interrupted, with nothing done', async () => {
    const fake = new FakePlatform()
    const controller = new AbortController()
    controller.abort()
    const r = await runApply(request(sb.config(), fake, {approve: async () => true, signal: controller.signal}))
    expect([r.ok, r.status]).to.deep.equal([false, 'interrupted'])
    expect(r.outcomes.every((o) => o.skipped)).to.equal(true)
    expect(mutating(fake)).to.deep.equal([])
  })

  describe('lock', () => {
    it('a second apply fails naming the holder with --lock-timeout 0, and gets through when it waits long enough', async () => {
      // GIVEN a first apply holding the lock while it waits for approval
      const fake = new FakePlatform()
      let release!: (yes: boolean) => void
      let asked!: () => void
      const askedP = new Promise<void>((r) => { asked = r })
      const first = runApply(request(sb.config(), fake, {command: 'dsynth apply first',
        approve: () => { asked(); return new Promise<boolean>((r) => { release = r }) }}))
      await askedP
      // WHEN a second apply does not wait
      const e = await rejection(runApply(request(sb.config(), fake, {approve: async () => true})))
      // THEN it fails naming the holder
      expect([e.code, e.exit]).to.deep.equal(['LOCK_HELD', 1])
      expect(e.message).to.include(`pid ${process.pid} (dsynth apply first)`)
      expect(fake.calls).to.deep.equal([])
      // WHEN a third waits up to 5 s and the first finishes after 150 ms
      const third = runApply(request(sb.config(), fake, {lockTimeoutMs: 5000, approve: async () => true}))
      setTimeout(() => release(true), 150)
      const [r1, r3] = await Promise.all([first, third])
      // THEN both succeed, the first applying and the third finding nothing left to do
      expect([r1.ok, r1.status, r3.ok, r3.status]).to.deep.equal([true, 'applied', true, 'no-changes'])
      expect(fake.ops.filter((op) => op.op === 'mount')).to.have.length(2)
      expect(existsSync(lockPath(sb.base))).to.equal(false)
    })

    it('takes over the lock of a process that is gone', async () => {
      const dead = spawnSync(process.execPath, ['-e', '0']).pid
      await writeFile(lockPath(sb.base), JSON.stringify({pid: dead, command: 'dsynth apply', user: 'root', host: 'h', startedAt: '2026-01-01T00:00:00.000Z'}))
      const notes: string[] = []
      const r = await runApply(request(sb.config(), new FakePlatform(), {approve: async () => true, onNote: (n) => notes.push(n)}))
      expect(r.ok).to.equal(true)
      expect(notes.join('\n')).to.match(new RegExp(`took over a stale lock of pid ${dead} \\(dsynth apply\\)`))
      expect(existsSync(lockPath(sb.base))).to.equal(false)
    })
  })

  it('destroy removes SLnn directories once nothing is mounted below, keeps a busy one, and nothing else', async () => {
    // GIVEN SL00 and SL01 mounted (SL01/construction busy for good), and directories that are not slots
    const d = sb.desired('dragonfly')
    const fake = new FakePlatform({table: hostPlus([...slotLines(d, 'SL00'), ...slotLines(d, 'SL01')])})
    fake.busy.set(`${sb.base}/SL01/construction`, 'always')
    for (const dir of ['Template/etc', 'SL00/usr/local', 'SL01/construction', 'SL0', 'SL000', 'notaslot', 'SL02', 'SL04/var/db']) {
      await mkdir(`${sb.base}/${dir}`, {recursive: true})
    }
    await symlink('/etc/passwd', `${sb.base}/SL00/usr/local/link`)
    // a file on the host filesystem in a slot directory (written while nothing was mounted there) is never deleted
    await writeFile(`${sb.base}/SL04/var/db/written-while-unmounted`, 'keep me')
    await mkdir(`${sb.root}/outside`)
    await writeFile(`${sb.root}/outside/canary`, 'keep me')
    await symlink(`${sb.root}/outside`, `${sb.base}/SL03`)
    // every unmount happens while its slot directory is still there
    fake.onCall = (op) => { for (const t of op.targets) expect(existsSync(t.split('/').slice(0, sb.base.split('/').length + 1).join('/')), t).to.equal(true) }
    // WHEN destroyed
    const r = await runApply(request(sb.config(), fake, {mode: 'destroy', approve: async () => true}))
    // THEN SL00 is unmounted and gone, SL02 (empty, unmounted) is gone, SL01 is kept with its busy mounts
    expect(r.ok).to.equal(false)
    expect(r.removed).to.deep.equal([`${sb.base}/SL00`, `${sb.base}/SL02`, `${sb.base}/SL03`])
    expect(fake.mountsBelow(`${sb.base}/SL00`)).to.deep.equal([])
    expect(fake.mountsBelow(`${sb.base}/SL01`).map((m) => m.target)).to.deep.equal([`${sb.base}/SL01`, `${sb.base}/SL01/construction`])
    expect(r.errors.join('\n')).to.match(new RegExp(`kept ${sb.base}/SL01: .* still mounted`))
    expect(r.errors).to.include(`kept ${sb.base}/SL04: it holds files on the host filesystem (var/db/written-while-unmounted); look at them, then remove it by hand`)
    expect((await readdir(sb.base)).filter((n) => !n.startsWith('.')).sort()).to.deep.equal(['SL0', 'SL000', 'SL01', 'SL04', 'Template', 'notaslot'])
    expect(existsSync(`${sb.base}/SL04/var/db/written-while-unmounted`)).to.equal(true)
    // the symlink named like a slot was removed as a link, never followed
    expect(await readdir(`${sb.root}/outside`)).to.deep.equal(['canary'])
    // unmounts newest first
    const sl00 = fake.ops.filter((op) => op.targets[0].startsWith(`${sb.base}/SL00`)).flatMap((op) => op.targets)
    expect(sl00).to.deep.equal(d.slots[0].mounts.map((m) => m.target).reverse())
  })

  it('destroy keeps a slot directory that holds a directory of the configuration (reached through a symlink)', async () => {
    // GIVEN distfiles that are really inside SL05 (config loading refuses this; destroy is the last line of defence)
    await mkdir(`${sb.base}/SL05/dist`, {recursive: true})
    await writeFile(`${sb.base}/SL05/dist/precious.tar.gz`, 'x')
    await symlink(`${sb.base}/SL05/dist`, `${sb.root}/distlink`)
    const config = sb.config()
    const fake = new FakePlatform()
    // WHEN destroyed with that configuration
    const r = await runApply(request({...config, directories: {...config.directories, distfiles: `${sb.root}/distlink`}}, fake,
      {mode: 'destroy', approve: async () => true}))
    // THEN SL05 is kept, named, and the file is there
    expect(r.removed).to.deep.equal([])
    expect(r.errors).to.deep.equal([`kept ${sb.base}/SL05: it holds Directory_distfiles ${sb.base}/SL05/dist`])
    expect(existsSync(`${sb.base}/SL05/dist/precious.tar.gz`)).to.equal(true)
  })

  it('destroy of a build base that does not exist does nothing', async () => {
    const fake = new FakePlatform()
    await sb.cleanup()
    const r = await runApply(request(sb.config(), fake, {mode: 'destroy', approve: async () => true}))
    expect([r.ok, r.status]).to.deep.equal([true, 'no-changes'])
    expect(fake.calls).to.deep.equal([])
    expect(existsSync(sb.base)).to.equal(false)
  })

  it('a refused apply leaves no trace: a missing build base is not created', async () => {
    const fake = new FakePlatform()
    await rmdir(sb.base)
    const e = await rejection(runApply(request(sb.config({portsdir: `${sb.root}/no-ports`}), fake, {approve: async () => true})))
    expect(e.code).to.equal('SOURCE_MISSING')
    expect(existsSync(sb.base), 'build base created by a refused apply').to.equal(false)
    expect(fake.calls).to.deep.equal([])
  })

  it('refuses the apply before any call when a source directory is missing', async () => {
    const fake = new FakePlatform()
    const e = await rejection(runApply(request(sb.config({portsdir: `${sb.root}/no-ports`}), fake, {approve: async () => true})))
    expect([e.code, e.exit]).to.deep.equal(['SOURCE_MISSING', 1])
    expect(e.message).to.include(`${sb.root}/no-ports`)
    expect(fake.calls).to.deep.equal([])
    expect(existsSync(lockPath(sb.base))).to.equal(false)
  })
})
