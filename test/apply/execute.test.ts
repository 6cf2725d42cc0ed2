import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {lstat, mkdir, readdir, rm, symlink, writeFile} from 'node:fs/promises'
import {expect} from 'chai'
import type {ApplyEvent} from '../../src/apply/events.js'
import {type ExecuteOptions, executePlan} from '../../src/apply/execute.js'
import type {PlatformName} from '../../src/config/types.js'
import type {DesiredState} from '../../src/layout/types.js'
import {diffSlots} from '../../src/plan/diff.js'
import type {Plan} from '../../src/plan/types.js'
import {isAtOrBelow} from '../../src/util/paths.js'
import {FakePlatform, type FakePlatformOptions, result} from '../helpers/fake-platform.js'
import {hostPlus, makeSandbox, type Sandbox, seedText, slotLines, slotLinesAt} from './sandbox.js'

/** A fake platform, the desired state and helpers to plan and apply against it. */
interface World {
  fake: FakePlatform
  d: DesiredState
  plan(): Promise<Plan>
  apply(opts?: Partial<ExecuteOptions>): Promise<{plan: Plan; outcomes: Awaited<ReturnType<typeof executePlan>>['outcomes']; events: ApplyEvent[]}>
}

function world(sb: Sandbox, o: {builders: number; platform?: PlatformName; table?: string} & FakePlatformOptions): World {
  const platform = o.platform ?? 'dragonfly'
  const d = sb.desired(platform, {builders: o.builders})
  const fake = new FakePlatform({...o, name: platform})
  const plan = async () => diffSlots(d, await fake.readMountTable(), {mode: 'apply', slotFilter: null})
  return {
    fake, d, plan,
    async apply(opts = {}) {
      const p = await plan()
      const events: ApplyEvent[] = []
      const {outcomes} = await executePlan(p, {platform: fake, desired: d, parallelism: 4, busyTimeoutMs: 0, populate: false,
        emit: (e) => events.push(e), ...opts})
      return {plan: p, outcomes, events}
    },
  }
}

/** Every mutating call of the fake acted only inside `<base>/SLnn`. */
function expectInsideSlots(fake: FakePlatform, base: string): void {
  for (const op of fake.ops) {
    for (const t of op.targets) expect(/^SL\d{2,}$/.test(t.slice(base.length + 1).split('/')[0]) && isAtOrBelow(t, base), `${op.op} ${t}`).to.equal(true)
  }
  for (const m of fake.mounts) {
    if (isAtOrBelow(m.target, base)) expect(m.target.slice(base.length + 1)).to.match(/^SL\d{2,}(\/|$)/)
  }
}

describe('apply/execute: executePlan against the fake platform', () => {
  let sb: Sandbox
  beforeEach(async () => { sb = await makeSandbox() })
  afterEach(async () => { await sb.cleanup() })

  it('reports each slot done when its own work ends, not when every slot has finished', async () => {
    const w = world(sb, {builders: 3})
    const {events} = await w.apply({parallelism: 1})
    const order = events.filter((e) => e.type === 'slot-start' || e.type === 'slot-done').map((e) => `${e.type} ${e.slot}`)
    expect(order).to.deep.equal(['slot-start SL00', 'slot-done SL00', 'slot-start SL01', 'slot-done SL01', 'slot-start SL02', 'slot-done SL02'])
    expect(events.find((e) => e.type === 'slot-done')).to.include({ok: true, mounted: 22})
  })

  it('applies from nothing: one mount batch per slot, root first, and the re-plan is empty', async () => {
    const w = world(sb, {builders: 2})
    const {plan, outcomes} = await w.apply()
    expect(plan.summary).to.deep.equal({mount: 44, remount: 0, unmount: 0})
    expect(outcomes.map((o) => [o.slot, o.ok, o.mounted, o.unmounted, o.errors.length]))
      .to.deep.equal([['SL00', true, 22, 0, 0], ['SL01', true, 22, 0, 0]])
    expect(w.fake.ops.map((op) => op.op)).to.deep.equal(['mount', 'mount'])
    const sl00 = w.fake.ops.find((op) => op.targets[0] === `${sb.base}/SL00`)!
    expect(sl00.targets).to.deep.equal(w.d.slots[0].mounts.map((m) => m.target))
    expect((await w.plan()).changes).to.deep.equal([])
    expectInsideSlots(w.fake, sb.base)
  })

  it('is idempotent: the second plan is empty and a second apply records zero calls', async () => {
    // GIVEN a converged build base
    const w = world(sb, {builders: 3})
    await w.apply()
    const calls = w.fake.calls.length
    // WHEN apply runs again
    const second = await w.apply()
    // THEN nothing was planned and nothing was called
    expect(second.plan.changes).to.deep.equal([])
    expect(second.outcomes).to.deep.equal([])
    expect(w.fake.calls.slice(calls)).to.deep.equal([])
  })

  it('converges the seed report (SL00 stacked three times) plus an extra slot, newest first, batches split at reveals', async () => {
    // GIVEN the seed table under the sandbox, 3 builders, and an extra SL05 mounted like SL00
    const d = sb.desired('dragonfly', {builders: 3})
    const w = world(sb, {builders: 3, table: seedText(sb) + slotLinesAt(d, 'SL05').join('\n') + '\n'})
    const layer1 = w.fake.mounts.slice(6, 28).map((m) => m.id)
    // WHEN applied
    const {plan, outcomes} = await w.apply()
    expect(plan.summary).to.deep.equal({mount: 44, remount: 0, unmount: 66})
    // THEN every slot is ok and the plan is empty
    expect(outcomes.map((o) => [o.slot, o.ok, o.mounted, o.unmounted])).to.deep.equal([
      ['SL00', true, 0, 44], ['SL01', true, 22, 0], ['SL02', true, 22, 0], ['SL05', true, 0, 22]])
    expect((await w.plan()).changes).to.deep.equal([])
    // SL00 was unmounted in two batches of 22 (layer 3, then layer 2), each ending with the root that reveals a layer
    const layout = w.d.slots[0].mounts.map((m) => m.target)
    const sl00 = w.fake.ops.filter((op) => op.targets[0].startsWith(`${sb.base}/SL00`))
    expect(sl00.map((op) => op.op)).to.deep.equal(['umount', 'umount'])
    expect(sl00[0].targets).to.deep.equal([...layout].reverse())
    expect(sl00[1].targets).to.deep.equal([...layout].reverse())
    // and the mounts left are exactly layer 1, the oldest
    expect(w.fake.mountsBelow(`${sb.base}/SL00`).map((m) => m.id)).to.deep.equal(layer1)
    // SL05 (extra) went in one batch, newest first; nothing was mounted there
    const sl05 = w.fake.ops.filter((op) => op.targets[0].startsWith(`${sb.base}/SL05`))
    expect(sl05).to.deep.equal([{op: 'umount', targets: slotLinesAt(d, 'SL05').map((l) => l.split(' on ')[1].split(' (')[0]).reverse()}])
    expect(w.fake.mountsBelow(`${sb.base}/SL05`)).to.deep.equal([])
    expectInsideSlots(w.fake, sb.base)
  })

  it('re-checks for symlinks at a layer reveal: a symlink that appears under the revealed layer stops the slot', async () => {
    // GIVEN the seed table; when the first SL00 batch runs, SL00/xports turns into a symlink out of the slot
    const w = world(sb, {builders: 1, table: seedText(sb)})
    await mkdir(`${sb.root}/outside`)
    await mkdir(`${sb.base}/SL00`, {recursive: true})
    w.fake.onCall = async (op) => {
      if (op.op === 'umount' && !existsSync(`${sb.base}/SL00/xports`)) await symlink(`${sb.root}/outside`, `${sb.base}/SL00/xports`)
    }
    // WHEN applied
    const {outcomes} = await w.apply()
    // THEN the second batch (below the revealed layer 2) is refused
    expect(w.fake.ops.map((op) => op.op)).to.deep.equal(['umount'])
    expect(outcomes[0].ok).to.equal(false)
    expect(outcomes[0].errors.join('\n')).to.match(/SL00\/xports is a symbolic link/)
  })

  it('retries a busy unmount with backoff until the busy timeout, reports holders, and leaves that slot unmounted', async () => {
    // GIVEN SL00 complete but /xports from the wrong source, busy for good; SL01 missing
    const d = sb.desired('dragonfly', {builders: 2})
    const xports = `${sb.base}/SL00/xports`
    const lines = slotLines(d, 'SL00').map((l) => l.includes(` on ${xports} `) ? l.replace(/^\S+/, `${sb.root}/elsewhere`) : l)
    const w = world(sb, {builders: 2, table: hostPlus(lines)})
    w.fake.busy.set(xports, 'always')
    const holder = {pid: 4242, user: 'root', command: 'sh -c make', how: ['cwd' as const], path: `${sb.base}/SL00/xports/devel`}
    w.fake.holders = [holder, {pid: 1, user: 'root', command: 'init', how: ['root' as const], path: '/'}]
    // WHEN applied with a 350 ms busy timeout
    const started = Date.now()
    const {outcomes, events} = await w.apply({busyTimeoutMs: 350})
    const took = Date.now() - started
    // THEN the unmount was tried several times, for at least the timeout
    const tries = w.fake.calls.filter((c) => c === `umount ${xports}`).length
    expect(tries).to.be.within(3, 6)
    expect(took).to.be.within(350, 3000)
    // and reported with the holders inside the slot; the mount of /xports was never attempted
    const [sl00, sl01] = outcomes
    expect(sl00.ok).to.equal(false)
    expect(sl00.busy).to.deep.equal([{targets: [xports], holders: [holder]}])
    expect(sl00.errors.join('\n')).to.match(/busy/)
    expect(w.fake.calls).to.include(`holders ${sb.base}/SL00 ${xports}`)
    expect(w.fake.ops.some((op) => op.op === 'mount' && op.targets.some((t) => t.startsWith(`${sb.base}/SL00`)))).to.equal(false)
    expect(events.filter((e) => e.type === 'busy')).to.deep.equal([{type: 'busy', slot: 'SL00', targets: [xports], holders: [holder]}])
    // while the other slot converged
    expect([sl01.ok, sl01.mounted]).to.deep.equal([true, 22])
    const left = (await w.plan()).changes.map((c) => `${c.action} ${c.slot} ${c.target}`)
    expect(left).to.deep.equal([`unmount SL00 ${xports}`, `mount SL00 ${xports}`])
  })

  it('gets through an unmount that is busy a few times, and then mounts the right source', async () => {
    const d = sb.desired('dragonfly', {builders: 1})
    const xports = `${sb.base}/SL00/xports`
    const lines = slotLines(d, 'SL00').map((l) => l.includes(` on ${xports} `) ? l.replace(/^\S+/, `${sb.root}/elsewhere`) : l)
    const w = world(sb, {builders: 1, table: hostPlus(lines)})
    w.fake.busy.set(xports, 2)
    const {outcomes} = await w.apply({busyTimeoutMs: 5000})
    expect(w.fake.calls.filter((c) => c.startsWith('umount') || c.startsWith('mount'))).to.deep.equal([
      `umount ${xports}`, `umount ${xports}`, `umount ${xports}`, `mount ${xports}`])
    expect(outcomes.map((o) => [o.ok, o.unmounted, o.mounted, o.busy.length])).to.deep.equal([[true, 1, 1, 0]])
    expect(w.fake.calls.some((c) => c.startsWith('holders'))).to.equal(false)
  })

  // name of the symlinked component | slot paths already mounted
  const SYMLINKS: Array<[string, string[]]> = [
    ['xports', ['/', '/boot', '/dev', '/proc']],
    ['usr', ['/', '/boot', '/dev', '/proc', '/bin']],
  ]
  for (const [link, mounted] of SYMLINKS) {
    it(`refuses to mount through a symlink planted at SL00/${link}: SafetyError, nothing mounted through it`, async () => {
      // GIVEN SL00 partly mounted and SL00/<link> -> a directory outside the build base
      const d = sb.desired('dragonfly', {builders: 2})
      const w = world(sb, {builders: 2, table: hostPlus(slotLines(d, 'SL00', mounted))})
      await mkdir(`${sb.root}/outside`)
      await mkdir(`${sb.base}/SL00`, {recursive: true})
      await symlink(`${sb.root}/outside`, `${sb.base}/SL00/${link}`)
      // WHEN applied
      const {outcomes} = await w.apply()
      // THEN SL00 is refused before any mount, with the symlink named
      expect(outcomes[0].ok).to.equal(false)
      expect(outcomes[0].errors).to.have.length(1)
      expect(outcomes[0].errors[0]).to.match(new RegExp(`${sb.base}/SL00/${link} is a symbolic link`))
      expect(w.fake.ops.filter((op) => op.targets[0].startsWith(`${sb.base}/SL00`))).to.deep.equal([])
      // nothing was created or mounted outside the build base
      expect(await readdir(`${sb.root}/outside`)).to.deep.equal([])
      expect(w.fake.mounts.filter((m) => isAtOrBelow(m.target, sb.root) && !isAtOrBelow(m.target, sb.base))).to.deep.equal([])
      expect((await lstat(`${sb.base}/SL00/${link}`)).isSymbolicLink()).to.equal(true)
      // and SL01 converged
      expect([outcomes[1].ok, outcomes[1].mounted]).to.deep.equal([true, 22])
    })
  }

  it('does nothing when interrupted before it starts: every slot is skipped', async () => {
    const w = world(sb, {builders: 3})
    const controller = new AbortController()
    controller.abort()
    const {outcomes} = await w.apply({signal: controller.signal})
    expect(outcomes.map((o) => [o.slot, o.skipped, o.ok])).to.deep.equal([['SL00', true, false], ['SL01', true, false], ['SL02', true, false]])
    expect(w.fake.calls).to.deep.equal([])
  })

  it('stops scheduling new slots after an interrupt, finishing the running ones', async () => {
    const w = world(sb, {builders: 4, delayMs: 30})
    const controller = new AbortController()
    w.fake.onCall = () => controller.abort()
    const {outcomes} = await w.apply({signal: controller.signal, parallelism: 1})
    expect(outcomes.map((o) => [o.slot, o.skipped])).to.deep.equal([['SL00', false], ['SL01', true], ['SL02', true], ['SL03', true]])
    expect(outcomes[0].ok).to.equal(true)
    expect(w.fake.ops).to.have.length(1)
  })

  // parallelism | slots | most slots busy at once
  const PARALLEL: Array<[number, number, number]> = [[1, 4, 1], [2, 6, 2], [3, 6, 3]]
  for (const [parallelism, builders, most] of PARALLEL) {
    it(`works on at most ${parallelism} slot(s) at once (--parallelism ${parallelism}, ${builders} slots)`, async () => {
      const w = world(sb, {builders, delayMs: 40})
      const {outcomes} = await w.apply({parallelism})
      expect(outcomes.every((o) => o.ok)).to.equal(true)
      expect(w.fake.maxConcurrentSlots).to.equal(most)
    })
  }

  it('remounts a mount whose ro/rw differs, in place', async () => {
    const d = sb.desired('dragonfly', {builders: 1})
    const options = `${sb.base}/SL00/options`
    const lines = slotLines(d, 'SL00').map((l) => l.includes(` on ${options} `) ? l.replace('(null,', '(null, read-only,') : l)
    const w = world(sb, {builders: 1, table: hostPlus(lines)})
    const {outcomes} = await w.apply()
    expect(w.fake.calls).to.deep.equal([`remount rw ${options}`])
    expect(outcomes[0]).to.include({ok: true, remounted: 1, mounted: 0, unmounted: 0})
    expect((await w.plan()).changes).to.deep.equal([])
  })

  it('reports a failed mount on its slot and keeps going with the others', async () => {
    const w = world(sb, {builders: 2})
    w.fake.failMount.add(`${sb.base}/SL01/distfiles`)
    const {outcomes} = await w.apply()
    expect(outcomes[0].ok).to.equal(true)
    expect(outcomes[1].ok).to.equal(false)
    expect(outcomes[1].mounted).to.equal(21)
    expect(outcomes[1].errors.join('\n')).to.include(`${sb.base}/SL01/distfiles`)
    expect((await w.plan()).changes.map((c) => c.target)).to.deep.equal([`${sb.base}/SL01/distfiles`])
  })

  /** What the fake's `run` got: argv and the archive on stdin, listed by GNU tar; successful archives are extracted. */
  function recorder(o: {fail?: (argv: string[], names: string[]) => string | null} = {}) {
    const runs: Array<{argv: string[]; names: string[]}> = []
    const run = async (argv: string[], opt?: {input?: string | Uint8Array}) => {
      const names = opt?.input instanceof Uint8Array
        ? execFileSync('tar', ['-tf', '-'], {input: opt.input, encoding: 'utf8'}).trim().split('\n').filter(Boolean) : []
      runs.push({argv, names})
      const error = o.fail?.(argv, names) ?? null
      if (error !== null) return result(argv, 2, error)
      if (opt?.input instanceof Uint8Array) execFileSync(argv[0], argv.slice(1), {input: opt.input})
      return result(argv)
    }
    return {runs, run}
  }

  /** A Template of these files (a path ending in `/` is a directory, `a -> b` a symlink) and its marker. */
  async function makeTemplate(files: string[]): Promise<void> {
    for (const f of files) {
      const [name, link] = f.split(' -> ')
      const p = `${sb.base}/Template/${name}`
      await mkdir(p.endsWith('/') ? p : p.slice(0, p.lastIndexOf('/')), {recursive: true})
      if (link !== undefined) await symlink(link, p)
      else if (!p.endsWith('/')) await writeFile(p, 'x')
    }
    await writeFile(`${sb.base}/.template.good`, 'test\n')
  }
  /** A small Template with a /dev part (no device nodes: unit tests do not need root to run). */
  const SMALL = ['etc/passwd', 'tmp/', 'var/run/', 'dev/fd -> /proc/self/fd', 'dev/null', 'dev/zero']
  const TAR = (base: string) => `tar -x -p --numeric-owner -f - -C ${base}`

  for (const platform of ['dragonfly', 'linux'] as const) {
    it(`${platform}: one tar -x writes the Template into every fresh slot root (creating a minimal Template once)`, async () => {
      const rec = recorder()
      if (platform === 'linux') await makeTemplate(SMALL)
      const w = world(sb, {builders: 2, platform, run: rec.run})
      await w.apply({populate: true})
      expect(rec.runs.map((r) => r.argv.join(' '))).to.deep.equal([TAR(sb.base)])
      // THEN the archive holds the Template under SL00 and under SL01, nothing else
      const names = rec.runs[0].names
      expect(names).to.include.members(['SL00/', 'SL00/etc/passwd', 'SL00/tmp/', 'SL01/', 'SL01/etc/passwd', 'SL01/var/run/'])
      expect(names.every((n) => /^SL0[01](\/|$)/.test(n))).to.equal(true)
      expect(names.filter((n) => n.startsWith('SL00'))).to.have.length(names.length / 2)
      expect(names.some((n) => n.startsWith('SL00/dev/fd'))).to.equal(platform === 'linux')
      expect(existsSync(`${sb.base}/.template.good`)).to.equal(true)
      // AND a slot whose root stays mounted gets nothing more
      const calls = w.fake.calls.length
      await w.apply({populate: true})
      expect(w.fake.calls.slice(calls)).to.deep.equal([])
    })
  }

  it('never writes the Template into a bind: packages, distfiles, options and read-only binds are left out', async () => {
    // GIVEN a Template that holds files under the slot's bind mount points and under its tmpfs ones
    for (const f of ['packages/CANARY', 'distfiles/x.tar.gz', 'options/o', 'etc/alternatives/cc', 'usr/bin/evil', 'usr/local/etc/pkg.conf',
      'construction/keep', 'etc/passwd']) {
      await mkdir(`${sb.base}/Template/${f.slice(0, f.lastIndexOf('/'))}`, {recursive: true})
      await writeFile(`${sb.base}/Template/${f}`, 'x')
    }
    await writeFile(`${sb.base}/.template.good`, 'test\n')
    const rec = recorder()
    const w = world(sb, {builders: 1, platform: 'linux', run: rec.run})
    await w.apply({populate: true})
    const names = rec.runs[0].names
    // THEN what lands on the slot's tmpfs filesystems is there, and nothing under a bind
    expect(names).to.include.members(['SL00/etc/passwd', 'SL00/usr/local/etc/pkg.conf', 'SL00/construction/keep'])
    expect(names.filter((n) => /^SL00\/(packages|distfiles|options|etc\/alternatives|usr\/bin)(\/|$)/.test(n))).to.deep.equal([])
  })

  it('a /dev mounted again on its own in a populated slot gets the device nodes again, and only those', async () => {
    // GIVEN a complete, populated slot whose /dev is then unmounted and its tmpfs mounted afresh (empty)
    await makeTemplate(SMALL)
    const rec = recorder()
    const w = world(sb, {builders: 1, platform: 'linux', run: rec.run})
    await w.apply({populate: true})
    const dev = `${sb.base}/SL00/dev`
    await w.fake.unmount([dev])
    await rm(dev, {recursive: true, force: true})
    // WHEN apply mounts it again
    await w.apply({populate: true})
    // THEN one more tar writes dev/ and its entries into SL00, nothing else
    expect(rec.runs).to.have.length(2)
    const names = rec.runs[1].names
    expect(names).to.include.members(['SL00/dev/', 'SL00/dev/null', 'SL00/dev/zero', 'SL00/dev/fd'])
    expect(names.every((n) => n.startsWith('SL00/dev/'))).to.equal(true)
  })

  it('does not copy the Template into a slot directory whose root did not get mounted', async () => {
    // GIVEN the tmpfs of SL01 fails to mount: a copy would land on the build base's own filesystem
    const rec = recorder()
    const w = world(sb, {builders: 2, run: rec.run})
    w.fake.failMount.add(`${sb.base}/SL01`)
    const {outcomes} = await w.apply({populate: true})
    expect(outcomes.map((o) => o.ok)).to.deep.equal([true, false])
    expect(rec.runs).to.have.length(1)
    expect(rec.runs[0].names.every((n) => n.startsWith('SL00'))).to.equal(true)
    expect(existsSync(`${sb.base}/SL01/etc`)).to.equal(false)
  })

  it('extracts once more per slot when the one tar fails, and reports the slot whose copy failed', async () => {
    // GIVEN tar fails whenever the archive holds SL01
    const rec = recorder({fail: (_, names) => names.some((n) => n.startsWith('SL01')) ? 'tar: SL01/etc: No space left on device' : null})
    const w = world(sb, {builders: 2, run: rec.run})
    const {outcomes} = await w.apply({populate: true})
    // THEN the whole archive, then one per slot
    expect(rec.runs.map((r) => [...new Set(r.names.map((n) => n.split('/')[0]))].join(','))).to.deep.equal(['SL00,SL01', 'SL00', 'SL01'])
    expect(outcomes.map((o) => o.ok)).to.deep.equal([true, false])
    expect(outcomes[1].errors.join('\n')).to.include('No space left on device')
    expect(existsSync(`${sb.base}/SL00/.dsynth-slot`)).to.equal(true)
    expect(existsSync(`${sb.base}/SL01/.dsynth-slot`)).to.equal(false)
  })

  it('refuses a plan with a target outside <base>/SLnn before any call', async () => {
    const w = world(sb, {builders: 1})
    const plan = await w.plan()
    plan.changes.push({...plan.changes[0], target: `${sb.base}/Template`})
    let error: unknown
    try {
      await executePlan(plan, {platform: w.fake, desired: w.d, parallelism: 1, busyTimeoutMs: 0, populate: false})
    } catch (e) { error = e }
    expect(String(error)).to.match(/outside/)
    expect(w.fake.calls).to.deep.equal([])
  })

  it('converges on Linux too (mountinfo, binds identified by device and root)', async () => {
    const w = world(sb, {builders: 2, platform: 'linux'})
    const {outcomes} = await w.apply()
    expect(outcomes.every((o) => o.ok && o.mounted === 22)).to.equal(true)
    expect((await w.plan()).changes).to.deep.equal([])
    expectInsideSlots(w.fake, sb.base)
  })
})
