import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, readdir, writeFile} from 'node:fs/promises'
import os from 'node:os'
import {expect} from 'chai'
import {type DoctorRequest, runDoctor} from '../../src/doctor/run-doctor.js'
import type {DoctorReport} from '../../src/doctor/types.js'
import {isGone} from '../../src/platform/kill.js'
import {lockPath} from '../../src/platform/lock.js'
import type {Holder} from '../../src/platform/types.js'
import {FakePlatform} from '../helpers/fake-platform.js'
import {hostPlus, makeSandbox, type Sandbox, seedText, slotLines} from '../apply/sandbox.js'

/** A doctor request against a fake platform in a sandbox; --fix approved unless the test says otherwise. */
function request(sb: Sandbox, fake: FakePlatform, o: Partial<DoctorRequest> = {}, builders = 2): DoctorRequest {
  return {config: sb.config({builders}), platformName: 'dragonfly', platform: fake, planFiles: [], fix: true, kill: false,
    approve: async () => true, parallelism: 4, busyTimeoutMs: 0, killTimeoutMs: 2000, command: 'dsynth doctor --test', ...o}
}

/** Lets findHolders report only the holders whose process still runs (the fake's list never changes by itself). */
function liveHolders(fake: FakePlatform, holders: Holder[]): void {
  fake.findHolders = async (dirs) => {
    const out: Holder[] = []
    for (const h of holders) if (!(await isGone(h.pid)) && dirs.some((d) => h.path.startsWith(d))) out.push(h)
    return out
  }
}

/** Targets of the fake's mutating calls. */
const touched = (fake: FakePlatform) => fake.ops.flatMap((o) => o.targets)

/** `status id slot` of the checks after the fix that are not ok. */
const leftOver = (r: DoctorReport) => r.after!.checks.filter((c) => c.status !== 'ok').map((c) => `${c.status} ${c.id} ${c.slot ?? '-'}`)

describe('doctor/fix: runDoctor --fix against the fake platform', () => {
  let sb: Sandbox
  const children: ChildProcess[] = []
  beforeEach(async () => { sb = await makeSandbox('dsynth-doctor-') })
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL')
    await sb.cleanup()
  })

  it('the seed: unmounts the two upper layers newest first, completes the other slots, and checks again', async () => {
    const fake = new FakePlatform({table: seedText(sb)})
    const locked: boolean[] = []
    fake.onCall = () => { locked.push(existsSync(lockPath(sb.base))) }
    const r = await runDoctor(request(sb, fake, {}, 8))
    expect(locked.length > 0 && locked.every(Boolean), 'every mount call made under the build base lock').to.equal(true)
    expect(existsSync(lockPath(sb.base)), 'lock released').to.equal(false)
    expect(r.checks.find((c) => c.id === 'slot-stacked')!.summary).to.equal('3 layers, 66 mounts, expected 1 layer of 22')
    expect(r.fixed!.apply).to.deep.include({ok: true, totals: {mounted: 154, remounted: 0, unmounted: 44}})
    expect(fake.mountsBelow(`${sb.base}/SL00`)).to.have.length(22)
    expect(leftOver(r)).to.deep.equal([])
    expect(r.exit).to.equal(0)
  })

  it('asks first; declined, nothing changes and the problems stay (exit 2)', async () => {
    const fake = new FakePlatform({table: seedText(sb)})
    let asked = 0
    const r = await runDoctor(request(sb, fake, {approve: async () => { asked++; return false }}, 8))
    expect([asked, r.fixed!.approved, r.exit, fake.ops.length]).to.deep.equal([1, false, 2, 0])
  })

  it('without --kill, leaves a held slot and its mounts alone and reports it (exit 2)', async () => {
    // GIVEN SL00 stacked, SL01 missing its /distfiles with a process inside
    const d = sb.desired('dragonfly')
    const fake = new FakePlatform({table: hostPlus([...slotLines(d, 'SL00'), ...slotLines(d, 'SL00'), ...slotLines(d, 'SL01').filter((l) => !l.includes('/distfiles '))])})
    fake.holders = [{pid: 999999, user: 'root', command: 'sleep 600', how: ['cwd'], path: `${sb.base}/SL01/construction`}]
    const sl01 = fake.mountsBelow(`${sb.base}/SL01`).map((m) => m.target)
    // WHEN doctor --fix runs without --kill
    const r = await runDoctor(request(sb, fake))
    // THEN SL00 is repaired, SL01 is not touched, and the holder and the missing mount are still reported
    expect(r.repair.leftAlone.map((l) => l.slot)).to.deep.equal(['SL01'])
    expect(touched(fake).some((t) => t.includes('/SL01'))).to.equal(false)
    expect(fake.mountsBelow(`${sb.base}/SL01`).map((m) => m.target)).to.deep.equal(sl01)
    expect(fake.mountsBelow(`${sb.base}/SL00`)).to.have.length(22)
    expect(leftOver(r)).to.deep.equal(['problem slot-partial SL01', 'problem slot-processes SL01'])
    expect(r.exit).to.equal(2)
  })

  it('with --kill, stops the process (SIGTERM), re-checks, and repairs the slot', async () => {
    const child = spawn('sleep', ['30'], {stdio: 'ignore'})
    children.push(child)
    const d = sb.desired('dragonfly')
    const fake = new FakePlatform({table: hostPlus([...slotLines(d, 'SL00'), ...slotLines(d, 'SL01').filter((l) => !l.includes('/distfiles '))])})
    liveHolders(fake, [{pid: child.pid!, user: 'root', command: 'sleep 30', how: ['cwd'], path: `${sb.base}/SL01/construction`}])
    const r = await runDoctor(request(sb, fake, {kill: true}))
    expect(r.fixed!.stopped).to.deep.equal({terminated: [child.pid], killed: [], refused: [], survivors: []})
    expect(await isGone(child.pid!)).to.equal(true)
    expect(fake.mountsBelow(`${sb.base}/SL01`)).to.have.length(22)
    expect([leftOver(r), r.exit]).to.deep.equal([[], 0])
  })

  it('with --kill, a process that ignores SIGTERM gets SIGKILL after the kill timeout', async () => {
    const child = spawn('sh', ['-c', 'trap "" TERM; exec sleep 30'], {stdio: 'ignore'})
    children.push(child)
    await new Promise((r) => setTimeout(r, 100))
    const d = sb.desired('dragonfly')
    const fake = new FakePlatform({table: hostPlus([...slotLines(d, 'SL00'), ...slotLines(d, 'SL01')])})
    liveHolders(fake, [{pid: child.pid!, user: 'root', command: 'sleep 30', how: ['cwd'], path: `${sb.base}/SL01/tmp`}])
    const r = await runDoctor(request(sb, fake, {kill: true, killTimeoutMs: 300}))
    expect(r.fixed!.stopped).to.deep.equal({terminated: [], killed: [child.pid], refused: [], survivors: []})
    expect(r.exit).to.equal(0)
  })

  it('never signals its own parent: the slot stays held and is left alone', async () => {
    const d = sb.desired('dragonfly')
    const fake = new FakePlatform({table: hostPlus([...slotLines(d, 'SL00'), ...slotLines(d, 'SL01', ['/'])])})
    fake.holders = [{pid: process.ppid, user: 'root', command: 'sh', how: ['cwd'], path: `${sb.base}/SL01`}]
    const r = await runDoctor(request(sb, fake, {kill: true}))
    expect(r.fixed!.stopped.refused).to.deep.equal([{pid: process.ppid, reason: "dsynth's parent (the shell that started it)"}])
    expect(r.fixed!.leftAlone).to.deep.equal(['SL01'])
    expect(touched(fake).some((t) => t.includes('/SL01'))).to.equal(false)
    expect(r.exit).to.equal(2)
  })

  it('removes a stale lock, leftover temporary files and an empty leftover slot directory (rmdir only)', async () => {
    const d = sb.desired('dragonfly')
    const fake = new FakePlatform({table: hostPlus([...slotLines(d, 'SL00'), ...slotLines(d, 'SL01')])})
    await writeFile(lockPath(sb.base), JSON.stringify({pid: 999999, command: 'dsynth apply', user: 'root', host: os.hostname(), startedAt: 'x'}))
    await writeFile(`${sb.base}/.dsynth-slots.lock.999999.tmp`, '{}')
    await mkdir(`${sb.base}/SL05`)
    await mkdir(`${sb.base}/SL06/construction`, {recursive: true})
    await writeFile(`${sb.base}/SL06/construction/config.log`, 'data written while the root mount was missing\n')
    const r = await runDoctor(request(sb, fake))
    expect(r.checks.filter((c) => c.status === 'problem').map((c) => c.id)).to.deep.equal(['slot-host-files', 'lock'])
    expect(r.fixed!.actions.map((a) => `${a.kind} ${a.path.slice(sb.base.length)} ${a.ok}`)).to.deep.equal([
      'remove-lock /.dsynth-slots.lock true', 'remove-file /.dsynth-slots.lock.999999.tmp true', 'template /Template true', 'rmdir /SL05 true'])
    expect(existsSync(lockPath(sb.base))).to.equal(false)
    expect((await readdir(sb.base)).sort()).to.deep.equal(['.template.good', 'SL06', 'Template'])
    // the host files under SL06 are the user's to look at: still there, still reported
    expect(existsSync(`${sb.base}/SL06/construction/config.log`)).to.equal(true)
    expect(leftOver(r)).to.deep.equal(['problem slot-host-files SL06'])
    expect(r.exit).to.equal(2)
  })

  it('refuses while a live dsynth holds the lock', async () => {
    const fake = new FakePlatform({table: seedText(sb)})
    await writeFile(lockPath(sb.base), JSON.stringify({pid: process.pid, command: 'dsynth apply', user: 'root', host: os.hostname(), startedAt: 'x'}))
    const err = await runDoctor(request(sb, fake, {}, 8)).then(() => null, (e: Error & {code?: string}) => e)
    expect(err?.code).to.equal('LOCK_HELD')
    expect(fake.ops).to.deep.equal([])
  })

  it('without --fix, reports only (exit 2) and changes nothing', async () => {
    const fake = new FakePlatform({table: seedText(sb)})
    const r = await runDoctor(request(sb, fake, {fix: false}, 8))
    expect([r.exit, r.fixed, r.after, fake.ops.length]).to.deep.equal([2, null, null, 0])
  })

  it('refuses --fix with a captured table, and --kill without --fix', async () => {
    const fake = new FakePlatform()
    for (const o of [{mountsFile: 'x.txt'}, {fix: false, kill: true}]) {
      const err = await runDoctor(request(sb, fake, o)).then(() => null, (e: Error & {exit?: number}) => e)
      expect(err?.exit).to.equal(1)
    }
  })
})
