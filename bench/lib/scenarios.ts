/**
 * The mount scenarios (items 1-5). This code runs INSIDE a private mount namespace (see ns-worker.ts):
 * every mount it makes, and every mount the dsynth it starts makes, vanishes with the namespace.
 * Every mount and umount uses `-n` and LIBMOUNT_UTAB points at a file of the world, so /run/mount/utab is never written.
 */
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync} from 'node:fs'
import {execFileSync} from 'node:child_process'
import path from 'node:path'
import {loadConfig} from '../../src/config/load.js'
import type {DesiredState, MountSpec} from '../../src/layout/types.js'
import {linuxFstabLine} from '../../src/platform/fstab.js'
import {LinuxPlatform} from '../../src/platform/linux.js'
import {preparePlan} from '../../src/plan/prepare.js'
import {type Case, alternate} from './stats.js'
import {type Timed, atOrBelow, mountsBelow, mustSucceed, sq, timed, timedSequence} from './proc.js'

/** What the host side asks a worker to do. */
export interface WorkerRequest {
  scenario: 'fresh' | 'steady' | 'recover' | 'destroy'
  /** The world (created and removed by the host side). */
  dir: string
  base: string
  ini: string
  builders: number
  warmup: number
  runs: number
  /** `readlink /proc/self/ns/mnt` of the host side: the worker refuses to mount when it is still in it. */
  hostNamespace: string
  /** The CLI to run (bin/run.js). */
  bin: string
  /** A second build to measure side by side with `bin` (`--compare`): its cases are named `<case>B`. */
  binB?: string
}

/** What a worker reports. */
export interface WorkerResult {
  /** Kept milliseconds per case, in round order. */
  samples: Record<string, number[]>
  /** Processes started per program, counted with logging wrappers on PATH in one extra, untimed run per dsynth case. */
  spawns: Record<string, Record<string, number>>
  /** Mounts per slot in the layout. */
  mountsPerSlot: number
  notes: string[]
}

/** Programs wrapped to count how often dsynth starts them. */
const WRAPPED = ['mount', 'umount', 'tar', 'cp', 'mknod', 'findmnt', 'rm', 'mkdir', 'xargs']

/** Everything a scenario needs, prepared once per namespace. */
export class Ctx {
  readonly env: NodeJS.ProcessEnv
  readonly wrapEnv: NodeJS.ProcessEnv
  readonly callsLog: string
  readonly fstab: string
  readonly cwayScript: string
  readonly cway2Script: string
  readonly stackScript: string
  readonly slotDirs: string[]
  readonly total: number

  constructor(readonly req: WorkerRequest, readonly desired: DesiredState, readonly log: (s: string) => void) {
    const utab = path.join(req.dir, 'utab')
    this.env = {PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C',
      NO_COLOR: '1', LIBMOUNT_UTAB: utab}
    const wrap = path.join(req.dir, 'wrap')
    this.callsLog = path.join(req.dir, 'calls.log')
    mkdirSync(wrap, {recursive: true})
    for (const p of WRAPPED) {
      const real = execFileSync('sh', ['-c', `command -v ${p}`], {encoding: 'utf8'}).trim()
      writeFileSync(path.join(wrap, p), `#!/bin/sh\necho "${p} $*" >> ${sq(this.callsLog)}\nexec ${sq(real)} "$@"\n`)
      chmodSync(path.join(wrap, p), 0o755)
    }
    this.wrapEnv = {...this.env, PATH: `${wrap}:${this.env.PATH}`}
    this.slotDirs = desired.slots.map((s) => s.dir)
    this.total = desired.slots.reduce((n, s) => n + s.mounts.length, 0)
    // (b) the floor: one fstab of every mount, mount points created by x-mount.mkdir
    this.fstab = path.join(req.dir, 'slots.fstab')
    writeFileSync(this.fstab, desired.slots.flatMap((s) => s.mounts.map((m) => linuxFstabLine(m, true))).join('\n') + '\n')
    // (a) C dsynth's way: one mount process per mount, sequentially; mkdir of the slot and of its mount points
    this.cwayScript = path.join(req.dir, 'cway.sh')
    writeFileSync(this.cwayScript, 'set -e\n' + desired.slots.map((s) => slotScript(s.dir, s.mounts)).join(''))
    this.cway2Script = path.join(req.dir, 'cway2.sh')
    writeFileSync(this.cway2Script, 'set -e\n' + desired.slots.map((s) => slotScript(s.dir, s.mounts, true)).join(''))
    // the seed failure: every slot mounted twice more on top of itself, 16 slots at once
    this.stackScript = path.join(req.dir, 'stack.sh')
    writeFileSync(this.stackScript, 'set -e\n' + desired.slots.map((s) => `(\n${slotScript(s.dir, s.mounts)}${slotScript(s.dir, s.mounts)}) &\n`).join('') +
      'fail=0\nfor j in $(jobs -p); do wait $j || fail=1; done\nexit $fail\n')
  }

  /** `node bin/run.js ...args` (of the second build with `b`) */
  dsynth(args: string[], env = this.env, b = false): Timed {
    return timed([process.execPath, b ? this.req.binB! : this.req.bin, ...args], env)
  }

  /** The dsynth cases, and with --compare the same cases run by the second build (named `<name>B`). */
  withB(make: (b: boolean, suffix: string) => Case[]): Case[] {
    return this.req.binB ? [...make(false, ''), ...make(true, 'B')] : make(false, '')
  }

  /** Mount points at or below the slots. */
  slotMounts(): string[] {
    return mountsBelow(this.req.base).filter((t) => t !== this.req.base)
  }

  /** Throws unless exactly `n` mounts are at or below the slots, each target once (no stacks) unless `stacked`. */
  expectMounts(n: number, what: string, stacked = false): void {
    const m = this.slotMounts()
    if (m.length !== n) throw new Error(`${what}: ${m.length} mounts under the slots, expected ${n}`)
    if (!stacked && new Set(m).size !== m.length) throw new Error(`${what}: a target is mounted more than once`)
  }

  /** Unmounts everything below the build base (`umount -R -n` of the topmost mounts, repeated for stacks), then rmdir's the empty slot dirs. */
  undo(): void {
    for (let i = 0; ; i++) {
      const under = this.slotMounts()
      if (under.length === 0) break
      if (i > 8) throw new Error(`undo: ${under.length} mounts left below ${this.req.base}`)
      const tops = [...new Set(under)].filter((t) => !under.some((o) => o !== t && atOrBelow(t, o)))
      for (const t of tops) timed(['umount', '-R', '-n', t], this.env)
    }
    for (const name of readdirSync(this.req.base)) {
      // only empty slot directories (rmdir never deletes content; a non-empty one is an error)
      if (/^SL\d{2,}$/.test(name)) rmdirSync(path.join(this.req.base, name))
    }
  }

  /** The mount layer of 1b: every slot mounted once. */
  mountAll(): void {
    mustSucceed('mount -a', timed(['mount', '-a', '-n', '-T', this.fstab], this.env))
    this.expectMounts(this.total, 'mount -a')
  }

  /** Program -> number of calls in the calls log, then empties it. */
  takeCalls(): Record<string, number> {
    const counts: Record<string, number> = Object.fromEntries(WRAPPED.map((p) => [p, 0]))
    if (existsSync(this.callsLog)) {
      for (const l of readFileSync(this.callsLog, 'utf8').split('\n').filter(Boolean)) counts[l.split(' ')[0]]++
    }
    writeFileSync(this.callsLog, '')
    return counts
  }
}

/**
 * C dsynth's way for one slot: mkdir the slot, mount its root, mkdir the mount points, one `mount` per mount. With
 * `twoStep`, a read-only bind is made the way util-linux before 2.27 and many scripts make it: `mount --bind`, then
 * `mount -o remount,bind,ro` (two processes).
 */
function slotScript(dir: string, mounts: MountSpec[], twoStep = false): string {
  const lines = [`mkdir -p ${sq(dir)}`]
  const cmd = (m: MountSpec) => {
    const line = linuxFstabLine(m, false)
    if (line.includes('\\')) throw new Error(`path needs escaping: ${line}`)
    const [src, target, fstype, opts] = line.split(' ')
    if (twoStep && m.fstype === 'bind' && m.readonly) return `mount -n --bind ${sq(src)} ${sq(target)}\nmount -n -o remount,bind,ro ${sq(target)}`
    return `mount -n ${fstype === 'none' ? '' : `-t ${fstype} `}-o ${opts} ${sq(src)} ${sq(target)}`
  }
  lines.push(cmd(mounts[0]))
  lines.push(`mkdir -p ${mounts.slice(1).map((m) => sq(m.target)).join(' ')}`)
  for (const m of mounts.slice(1)) lines.push(cmd(m))
  return lines.join('\n') + '\n'
}

/** Builds the context: the desired state exactly as `dsynth apply` computes it (resolved bind sources). */
export async function makeCtx(req: WorkerRequest, log: (s: string) => void): Promise<Ctx> {
  const config = await loadConfig({configPath: req.ini, resolveBuildBase: true})
  const platform = new LinuxPlatform()
  const {desired} = await preparePlan({config, platformName: 'linux', platform, mode: 'apply'})
  if (desired.buildBase !== req.base) throw new Error(`build base ${desired.buildBase} is not ${req.base}`)
  return new Ctx(req, desired, log)
}

/** A case that runs a command, checks it, and undoes it. */
function caseOf(name: string, run: () => Timed, check: (r: Timed) => void, setup?: () => void, teardown?: () => void): Case {
  let last: Timed | undefined
  return {name, setup, run: () => (last = run()).ms, check: () => check(last!), teardown}
}

const rounds = (c: Ctx) => ({warmup: c.req.warmup, runs: c.req.runs})

/** Item 1: apply N slots from nothing against (a) one mount process per mount and (b) node -e 0 + one mount -a. */
export function fresh(c: Ctx): WorkerResult {
  const r = c.req
  c.undo()
  const ok = (what: string) => (t: Timed) => { mustSucceed(what, t); c.expectMounts(c.total, what) }
  const cases = [
    ...c.withB((b, x) => [caseOf('dsynth' + x, () => c.dsynth(['apply', '--auto-approve', '--config', r.ini], c.env, b), ok('dsynth apply'), undefined, () => c.undo())]),
    caseOf('cway', () => timed(['/bin/sh', c.cwayScript], c.env), ok('one mount per mount'), undefined, () => c.undo()),
    caseOf('cway2', () => timed(['/bin/sh', c.cway2Script], c.env), ok('one mount per mount, two-step ro binds'), undefined, () => c.undo()),
    caseOf('floor', () => timedSequence([[process.execPath, '-e', '0'], ['mount', '-a', '-n', '-T', c.fstab]], c.env), ok('node -e 0 + mount -a'),
      undefined, () => c.undo()),
  ]
  const samples = alternate(cases, rounds(c), c.log)
  // one more, untimed, with logging wrappers on PATH
  c.takeCalls()
  ok('dsynth apply (counted)')(c.dsynth(['apply', '--auto-approve', '--config', r.ini], c.wrapEnv))
  const roBinds = c.desired.slots.reduce((n, s) => n + s.mounts.filter((m) => m.fstype === 'bind' && m.readonly).length, 0)
  const spawns = {dsynth: c.takeCalls(), cway: {mount: c.total, mkdir: 2 * c.slotDirs.length, sh: 1},
    cway2: {mount: c.total + roBinds, mkdir: 2 * c.slotDirs.length, sh: 1}, floor: {node: 1, mount: 1}}
  c.undo()
  return {samples, spawns, mountsPerSlot: c.total / c.slotDirs.length, notes: []}
}

/** Items 2 and 5: node -e 0, dsynth --version, plan and apply with nothing to do, on N slots already right. */
export function steady(c: Ctx): WorkerResult {
  const r = c.req
  c.undo()
  mustSucceed('dsynth apply (set-up)', c.dsynth(['apply', '--auto-approve', '--config', r.ini]))
  c.expectMounts(c.total, 'set-up')
  c.takeCalls()
  let applyCalls: Record<string, number> = {}
  const nothing = (what: string) => (t: Timed) => {
    mustSucceed(what, t)
    if (!t.stdout.includes('No changes.')) throw new Error(`${what} had something to do:\n${t.stdout}`)
    c.expectMounts(c.total, what)
  }
  const cases = [
    caseOf('node', () => timed([process.execPath, '-e', '0'], c.env), (t) => mustSucceed('node -e 0', t)),
    ...c.withB((b, x) => [
      caseOf('version' + x, () => c.dsynth(['--version'], c.env, b), (t) => mustSucceed('dsynth --version', t)),
      caseOf('plan' + x, () => c.dsynth(['plan', '--config', r.ini], c.env, b), nothing('dsynth plan')),
      // wrappers on PATH all along: they cost nothing unless mount/umount are started, which must not happen
      caseOf('apply' + x, () => c.dsynth(['apply', '--auto-approve', '--config', r.ini], c.wrapEnv, b), (t) => {
        nothing('dsynth apply')(t)
        const calls = c.takeCalls()
        for (const [k, v] of Object.entries(calls)) applyCalls[k] = (applyCalls[k] ?? 0) + v
      }),
    ]),
  ]
  applyCalls = {}
  const samples = alternate(cases, rounds(c), c.log)
  c.undo()
  return {samples, spawns: {apply: applyCalls}, mountsPerSlot: c.total / c.slotDirs.length,
    notes: [`spawn counts of apply are totals over all ${r.warmup + r.runs} rounds`]}
}

/** Item 3: N slots each stacked three times, back to one clean layer, against umount -R + node -e 0 + mount -a. */
export function recover(c: Ctx): WorkerResult {
  const r = c.req
  const setup = () => {
    c.undo()
    c.mountAll()
    mustSucceed('stacking', timed(['/bin/sh', c.stackScript], c.env))
    c.expectMounts(3 * c.total, 'stacked set-up', true)
  }
  const ok = (what: string) => (t: Timed) => { mustSucceed(what, t); c.expectMounts(c.total, what) }
  const unmountAll = c.slotDirs.flatMap((d) => [0, 1, 2].map(() => ['umount', '-R', '-n', d]))
  const cases = [
    ...c.withB((b, x) => [caseOf('dsynth' + x, () => c.dsynth(['apply', '--auto-approve', '--config', r.ini], c.env, b), ok('dsynth apply'), setup, () => c.undo())]),
    caseOf('baseline', () => timedSequence([...unmountAll, [process.execPath, '-e', '0'], ['mount', '-a', '-n', '-T', c.fstab]], c.env),
      ok('umount -R + node -e 0 + mount -a'), setup, () => c.undo()),
  ]
  const samples = alternate(cases, rounds(c), c.log)
  setup()
  c.takeCalls()
  ok('dsynth apply (counted)')(c.dsynth(['apply', '--auto-approve', '--config', r.ini], c.wrapEnv))
  const spawns = {dsynth: c.takeCalls(), baseline: {umount: unmountAll.length, node: 1, mount: 1}}
  c.undo()
  return {samples, spawns, mountsPerSlot: c.total / c.slotDirs.length, notes: ['the baseline runs `umount -R` three times per slot: once per layer']}
}

/** Item 4: destroy N slots against `umount -R` per slot. */
export function destroy(c: Ctx): WorkerResult {
  const r = c.req
  const setup = () => { c.undo(); c.mountAll() }
  const cases = [
    ...c.withB((b, x) => [caseOf('dsynth' + x, () => c.dsynth(['destroy', '--auto-approve', '--config', r.ini], c.env, b), (t) => {
      mustSucceed('dsynth destroy', t)
      c.expectMounts(0, 'dsynth destroy')
      const left = readdirSync(r.base).filter((n) => /^SL\d{2,}$/.test(n))
      if (left.length > 0) throw new Error(`dsynth destroy left ${left.join(', ')}`)
    }, setup, () => c.undo())]),
    caseOf('umountR', () => timedSequence(c.slotDirs.map((d) => ['umount', '-R', '-n', d]), c.env),
      (t) => { mustSucceed('umount -R', t); c.expectMounts(0, 'umount -R') }, setup, () => c.undo()),
  ]
  const samples = alternate(cases, rounds(c), c.log)
  setup()
  c.takeCalls()
  mustSucceed('dsynth destroy (counted)', c.dsynth(['destroy', '--auto-approve', '--config', r.ini], c.wrapEnv))
  const spawns = {dsynth: c.takeCalls(), umountR: {umount: c.slotDirs.length}}
  c.undo()
  return {samples, spawns, mountsPerSlot: c.total / c.slotDirs.length, notes: ['dsynth destroy also removes the slot directories; the baseline does not']}
}

export const SCENARIOS = {fresh, steady, recover, destroy}
