import {execFileSync} from 'node:child_process'
import {mkdir, realpath} from 'node:fs/promises'
import type {PlatformName} from '../../src/config/types.js'
import type {MountSpec} from '../../src/layout/types.js'
import {formatMountLine, parseMountTable} from '../../src/mounttable/parse.js'
import type {Mount, MountTable, MountTableFormat} from '../../src/mounttable/types.js'
import type {RunOptions, RunResult} from '../../src/platform/exec.js'
import type {Holder, OpResult, Platform} from '../../src/platform/types.js'
import {isAtOrBelow} from '../../src/util/paths.js'

/**
 * A Platform for unit tests: mounts go into an in-memory table with the kernel's semantics, and every call is
 * recorded. Nothing is mounted for real; mount points are created on disk (as both drivers do) unless `mkdirs`
 * is off, and a target is resolved through symlinks first, as the kernel does, so a missed symlink check shows
 * up as a mount outside the build base.
 */

/** The seed fixture's host mounts as DragonFly `mount` prints them; none is under a build base. */
export const BSD_HOST_TEXT = [
  '/dev/serno/QM00001.s1d on / (hammer2, local)',
  'devfs on /dev (devfs, nosymfollow, local)',
  '/dev/serno/QM00001.s1a on /boot (ufs, local)',
  '@LOCAL on /var (hammer2, local)',
  'procfs on /proc (procfs, local)',
].join('\n') + '\n'

/** A Linux host: `/` ext4 on 254:0, devtmpfs, proc (mountinfo). */
export const LINUX_HOST_TEXT = [
  '21 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw',
  '22 21 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,mode=755',
  '23 21 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
].join('\n') + '\n'

/** How often a target answers "Device busy": a number of failures, then success, or always. */
export type BusyCount = number | 'always'

/** Options of a FakePlatform. */
export interface FakePlatformOptions {
  /** Layout and table format: dragonfly/freebsd give BSD `mount` text, linux gives mountinfo. Default dragonfly. */
  name?: PlatformName
  /** The table it starts with, in the platform's format (BSD `mount` text or mountinfo); default its host mounts. */
  table?: string
  /** Create mount points on disk before mounting them (both drivers do). Default true. */
  mkdirs?: boolean
  /** Milliseconds each mount/unmount/remount call takes (to observe parallelism). Default 0. */
  delayMs?: number
  /** Answers `run()`; default: exit 0, no output. */
  run?: (argv: string[], opts?: RunOptions) => Promise<RunResult>
}

/** One mutating call as data. */
export interface FakeOp {
  op: 'mount' | 'umount' | 'remount'
  targets: string[]
}

/** A finished command result with defaults. */
export function result(argv: string[], exitCode = 0, stderr = ''): RunResult {
  return {argv, exitCode, signal: null, stdout: '', stderr, timedOut: false, pid: undefined}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The slot name (`SL03`) a target lies in, or '' when none. */
function slotOf(target: string): string {
  return /\/(SL\d{2,})(?:\/|$)/.exec(target)?.[1] ?? ''
}

export class FakePlatform implements Platform {
  readonly name: PlatformName
  /** The live table, oldest first; ids are never reused, parents point at the mount visible when mounted. */
  mounts: Mount[]
  /** Every call except table reads, in order: `mount T1 T2`, `umount T`, `remount ro T`, `run ARGV`, `holders DIR`. */
  readonly calls: string[] = []
  /** The mutating calls as data. */
  readonly ops: FakeOp[] = []
  /** How many times the table was read. */
  reads = 0
  /** Targets whose unmount fails with "Device busy" (counts down; `always` never does). */
  readonly busy = new Map<string, BusyCount>()
  /** Targets whose mount fails; the rest of the batch is still mounted (as `mount -a` goes on after a failure). */
  readonly failMount = new Set<string>()
  /** Processes findHolders may report, each by the path it holds (see findHolders for which are reported). */
  holders: Holder[] = []
  /** Highest number of slots with a call in progress at the same time. */
  maxConcurrentSlots = 0
  /** Called before every mutating call (tests use it to look at the disk at that moment). */
  onCall?: (op: FakeOp) => void | Promise<void>

  private readonly format: MountTableFormat
  private readonly mkdirs: boolean
  private readonly delayMs: number
  private readonly runImpl: (argv: string[], opts?: RunOptions) => Promise<RunResult>
  private nextId: number
  private anon = 100
  private readonly active = new Map<string, number>()

  constructor(opts: FakePlatformOptions = {}) {
    this.name = opts.name ?? 'dragonfly'
    this.format = this.name === 'linux' ? 'mountinfo' : 'bsd-mount'
    this.mkdirs = opts.mkdirs ?? true
    this.delayMs = opts.delayMs ?? 0
    // by default a command succeeds and does nothing, but for the Template's `tar -x`, which really extracts (into
    // the sandbox's slot directories), since a slot's populated marker is written by that same tar
    this.runImpl = opts.run ?? (async (argv, o) => {
      if (argv[0] === 'tar' && o?.input instanceof Uint8Array) execFileSync(argv[0], argv.slice(1), {input: o.input, stdio: ['pipe', 'ignore', 'pipe']})
      return result(argv)
    })
    const text = opts.table ?? (this.name === 'linux' ? LINUX_HOST_TEXT : BSD_HOST_TEXT)
    // BSD ids are table positions; they are kept as ids that survive removals (new ones start above them)
    this.mounts = parseMountTable(text, {source: 'fake table'}).mounts
    this.nextId = Math.max(1000, ...this.mounts.map((m) => m.id + 1))
  }

  /** The table as the driver of this platform would read it: rendered to text and parsed back. */
  async readMountTable(): Promise<MountTable> {
    this.reads++
    return parseMountTable(this.text(), {source: 'fake', format: this.format})
  }

  /** The table as text (BSD `mount` output or mountinfo). */
  text(): string {
    return this.mounts.map((m) => formatMountLine(m, this.format)).join('\n') + '\n'
  }

  /** Mounts at or below `dir`, oldest first. */
  mountsBelow(dir: string): Mount[] {
    return this.mounts.filter((m) => isAtOrBelow(m.target, dir))
  }

  async mount(specs: MountSpec[]): Promise<OpResult> {
    const targets = specs.map((s) => s.target)
    return this.op({op: 'mount', targets}, `mount ${targets.join(' ')}`, async () => {
      const commands: RunResult[] = []
      for (const s of specs) commands.push(await this.mountOne(s))
      return {ok: commands.every((c) => c.exitCode === 0), commands}
    })
  }

  async unmount(targets: string[]): Promise<OpResult> {
    return this.op({op: 'umount', targets}, `umount ${targets.join(' ')}`, async () => {
      const commands = targets.map((t) => this.unmountOne(t))
      return {ok: commands.every((c) => c.exitCode === 0), commands}
    })
  }

  async remount(spec: MountSpec): Promise<OpResult> {
    const mode = spec.readonly ? 'ro' : 'rw'
    return this.op({op: 'remount', targets: [spec.target]}, `remount ${mode} ${spec.target}`, async () => {
      const argv = ['mount', '-u', '-o', mode, spec.target]
      const top = this.top(spec.target)
      if (!top) return {ok: false, commands: [result(argv, 1, `mount: ${spec.target}: not a mount point`)]}
      top.readonly = spec.readonly
      top.options = [...top.options.filter((o) => o !== 'ro' && o !== 'rw'), mode].sort()
      return {ok: true, commands: [result(argv)]}
    })
  }

  /**
   * Linux (/proc scan): holders at or below any of `dirs`. BSD (`fstat -f DIR`): holders on the same filesystem
   * as one of `dirs`, i.e. whose path lies under the same visible mount; a mount nested below DIR is another one.
   */
  async findHolders(dirs: string[]): Promise<Holder[]> {
    this.calls.push(`holders ${dirs.join(' ')}`)
    if (this.format === 'mountinfo') return this.holders.filter((h) => dirs.some((d) => isAtOrBelow(h.path, d)))
    const fs = dirs.map((d) => this.parentFor(d))
    return this.holders.filter((h) => fs.includes(this.parentFor(h.path)))
  }

  async run(argv: string[], opts?: RunOptions): Promise<RunResult> {
    this.calls.push(`run ${argv.join(' ')}`)
    return this.runImpl(argv, opts)
  }

  chrootArgv(slotDir: string, argv: string[]): string[] {
    return ['chroot', slotDir, ...argv]
  }

  /** Records a mutating call, tracks concurrency per slot, and takes `delayMs`. */
  private async op(op: FakeOp, call: string, body: () => Promise<OpResult>): Promise<OpResult> {
    this.calls.push(call)
    this.ops.push(op)
    await this.onCall?.(op)
    const slots = [...new Set(op.targets.map(slotOf))]
    for (const s of slots) this.active.set(s, (this.active.get(s) ?? 0) + 1)
    this.maxConcurrentSlots = Math.max(this.maxConcurrentSlots, this.active.size)
    try {
      if (this.delayMs > 0) await sleep(this.delayMs)
      return await body()
    } finally {
      for (const s of slots) {
        const n = this.active.get(s)! - 1
        if (n === 0) this.active.delete(s); else this.active.set(s, n)
      }
    }
  }

  /** The mount on top at exactly `target`, or undefined. */
  private top(target: string): Mount | undefined {
    for (let i = this.mounts.length - 1; i >= 0; i--) if (this.mounts[i].target === target) return this.mounts[i]
    return undefined
  }

  /** The mount a new mount at `target` sits on: the newest one at the target or one of its ancestors. */
  private parentFor(target: string): Mount | undefined {
    for (let i = this.mounts.length - 1; i >= 0; i--) if (isAtOrBelow(target, this.mounts[i].target)) return this.mounts[i]
    return undefined
  }

  private async mountOne(s: MountSpec): Promise<RunResult> {
    const argv = ['mount', '-t', s.fstype, '-o', s.options.join(','), s.source, s.target]
    if (this.failMount.has(s.target)) return result(argv, 1, `mount: ${s.target}: Operation not permitted`)
    let target = s.target
    if (this.mkdirs) {
      await mkdir(s.target, {recursive: true})
      // the kernel follows symlinks in the mount point
      target = await realpath(s.target)
    }
    const parent = this.parentFor(target)
    const id = this.nextId++
    const base = {seq: 0, id, parent: parent?.id ?? null, target, readonly: s.readonly, line: 0}
    const mode = s.readonly ? 'ro' : 'rw'
    let m: Mount
    if (this.format === 'mountinfo') {
      if (s.fstype === 'bind') {
        const host = this.parentFor(s.source)
        const rest = host ? s.source.slice(host.target === '/' ? 0 : host.target.length) : s.source
        const root = !host ? s.source : host.root === '/' ? (rest || '/') : host.root + rest
        m = {...base, source: host?.source ?? 'none', fstype: host?.fstype ?? 'none', root, dev: host?.dev ?? '0:0',
          options: [mode, 'relatime'].sort()}
      } else {
        m = {...base, source: s.source, fstype: s.fstype, root: '/', dev: `0:${this.anon++}`, options: [mode, 'relatime'].sort()}
      }
    } else {
      m = {...base, source: s.source, fstype: s.fstype, root: '/', dev: '', options: ['local', mode].sort()}
    }
    this.mounts.push(m)
    return result(argv)
  }

  private unmountOne(target: string): RunResult {
    const argv = ['umount', target]
    const top = this.top(target)
    if (!top) return result(argv, 1, `umount: ${target}: not a file system root directory`)
    const busy = this.busy.get(target)
    if (busy === 'always' || (typeof busy === 'number' && busy > 0)) {
      if (typeof busy === 'number') this.busy.set(target, busy - 1)
      return result(argv, 1, `umount: unmount of ${target} failed: Device busy`)
    }
    if (this.mounts.some((m) => m.parent === top.id)) return result(argv, 1, `umount: unmount of ${target} failed: Device busy`)
    this.mounts = this.mounts.filter((m) => m !== top)
    return result(argv)
  }
}
