import {mkdtempSync, readFileSync, rmdirSync, unlinkSync, writeFileSync} from 'node:fs'
import {lstat, readdir, rmdir, unlink} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import type {MountSpec} from '../layout/types.js'
import {parseMountTable} from '../mounttable/parse.js'
import type {MountTable} from '../mounttable/types.js'
import {type RunOptions, type RunResult, runCommand} from './exec.js'
import {linuxFstabLine} from './fstab.js'
import {writerAlive} from './lock.js'
import {scanProcHolders} from './proc-scan.js'
import type {Holder, OpResult, Platform} from './types.js'

/** Generated fstab files live in `<tmpdir>/dsynth-fstab-<pid>-XXXXXX/fstab`. */
const FSTAB_DIR_PREFIX = 'dsynth-fstab-'
const FSTAB_DIR_NAME = new RegExp(`^${FSTAB_DIR_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`)

/**
 * Removes the fstab directories of dsynth runs that are gone (a run killed with SIGKILL cannot clean up): only
 * directories named for a pid that no longer runs (or now names a process started after the directory was made), and
 * in them only the file `fstab` (unlink and rmdir, never a tree).
 */
export async function sweepStaleFstabDirs(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  await Promise.all(names.map(async (name) => {
    const m = name.startsWith(FSTAB_DIR_PREFIX) ? FSTAB_DIR_NAME.exec(name) : null
    if (m === null) return
    const made = await lstat(path.join(dir, name)).then((st) => st.mtimeMs, () => NaN)
    if (writerAlive(Number(m[1]), made)) return
    await unlink(path.join(dir, name, 'fstab')).catch(() => undefined)
    await rmdir(path.join(dir, name)).catch(() => undefined)
  }))
}

/** argv that mounts every entry of a generated fstab in one process; `-n` keeps /run/mount/utab untouched. */
export function linuxBatchArgv(fstabFile: string): string[] {
  return ['mount', '-a', '-n', '-T', fstabFile]
}

/** argv that unmounts the top mount at each target, in order, in one process. */
export function linuxUnmountArgv(targets: string[]): string[] {
  return ['umount', '-n', ...targets]
}

/** argv that flips a mount between ro and rw in place. */
export function linuxRemountArgv(spec: MountSpec): string[] {
  const mode = spec.readonly ? 'ro' : 'rw'
  return ['mount', '-n', '-o', spec.fstype === 'bind' ? `remount,bind,${mode}` : `remount,${mode}`, spec.target]
}

/** A mount() call waiting for the next `mount -a`. */
interface PendingMount {
  specs: MountSpec[]
  resolve: (r: OpResult) => void
  reject: (e: unknown) => void
}

/** The Linux driver: /proc/self/mountinfo, util-linux mount/umount (always -n), a /proc scan for holders. */
export class LinuxPlatform implements Platform {
  readonly name = 'linux' as const

  /** The one sweep of generated fstab directories that killed runs left behind. */
  private swept: Promise<void> | undefined
  /** mount() calls not yet handed to a `mount -a`. */
  private pending: PendingMount[] = []
  /** True while the loop that runs `mount -a` for pending calls runs. */
  private draining = false

  constructor(private readonly mountinfo = '/proc/self/mountinfo') {}

  async readMountTable(): Promise<MountTable> {
    // synchronous: a proc file has no size, so the promise API reads it in several thread-pool round trips
    return parseMountTable(readFileSync(this.mountinfo, 'utf8'), {source: this.mountinfo, format: 'mountinfo'})
  }

  /**
   * One generated fstab and one `mount -a -n -T` per batch; `x-mount.mkdir` creates mount points in order. Calls
   * that arrive while a `mount -a` runs (other slots, which are independent trees) share the next one, each call's
   * lines kept together and in order: one process mounts every slot that is ready, instead of one per slot.
   */
  mount(specs: MountSpec[]): Promise<OpResult> {
    if (specs.length === 0) return Promise.resolve({ok: true, commands: []})
    return new Promise((resolve, reject) => {
      this.pending.push({specs, resolve, reject})
      if (!this.draining) {
        this.draining = true
        void this.drain()
      }
    })
  }

  /** Runs `mount -a` for the pending calls until none is left; never throws (each call gets its result or error). */
  private async drain(): Promise<void> {
    // the sweep only removes what runs that are gone left behind: it goes on beside the first mount, not before it
    this.swept ??= sweepStaleFstabDirs(tmpdir()).catch(() => undefined)
    // one turn of the event loop: slots whose checks finish at the same moment join this batch
    await new Promise((r) => setImmediate(r))
    // the emptiness check and the end of the loop happen together, so a call pushed later starts a new loop
    for (let group = this.pending.splice(0); group.length > 0; group = this.pending.splice(0)) {
      try {
        const results = await this.mountGroup(group.map((p) => p.specs))
        group.forEach((p, i) => p.resolve(results[i]))
      } catch (e) {
        for (const p of group) p.reject(e)
      }
    }
    this.draining = false
  }

  /** Mounts several calls' specs with one `mount -a`; each call's result says whether all of its targets got mounted. */
  private async mountGroup(calls: MountSpec[][]): Promise<OpResult[]> {
    // synchronous file calls: a handful of system calls that would each be a thread-pool round trip before the mount
    const dir = mkdtempSync(path.join(tmpdir(), `${FSTAB_DIR_PREFIX}${process.pid}-`))
    const file = path.join(dir, 'fstab')
    let r: RunResult
    try {
      writeFileSync(file, calls.flat().map((s) => linuxFstabLine(s, true)).join('\n') + '\n')
      r = await runCommand(linuxBatchArgv(file))
    } finally {
      try { unlinkSync(file) } catch { /* not written */ }
      try { rmdirSync(dir) } catch { /* left for the sweep of a later run */ }
    }
    if (r.exitCode === 0) return calls.map(() => ({ok: true, commands: [r]}))
    if (calls.length === 1) return [{ok: false, commands: [r]}]
    // mount -a goes on after a failure: a call succeeded when every one of its targets is now a mount point (the plan
    // only mounts where nothing is), and its message is the lines of mount's output that name its targets
    const mounted = new Set((await this.readMountTable()).mounts.map((m) => m.target))
    return calls.map((specs) => {
      if (specs.every((s) => mounted.has(s.target))) return {ok: true, commands: [r]}
      const lines = r.stderr.split('\n').filter((l) => specs.some((s) => l.includes(`${s.target}:`)))
      return {ok: false, commands: [{...r, stderr: lines.length > 0 ? lines.join('\n') : r.stderr}]}
    })
  }

  async unmount(targets: string[]): Promise<OpResult> {
    if (targets.length === 0) return {ok: true, commands: []}
    const r = await runCommand(linuxUnmountArgv(targets))
    return {ok: r.exitCode === 0, commands: [r]}
  }

  async remount(spec: MountSpec): Promise<OpResult> {
    const r = await runCommand(linuxRemountArgv(spec))
    return {ok: r.exitCode === 0, commands: [r]}
  }

  findHolders(dirs: string[]): Promise<Holder[]> {
    return scanProcHolders(dirs)
  }

  run(argv: string[], opts?: RunOptions): Promise<RunResult> {
    return runCommand(argv, opts)
  }

  chrootArgv(slotDir: string, argv: string[]): string[] {
    return ['chroot', slotDir, ...argv]
  }
}
