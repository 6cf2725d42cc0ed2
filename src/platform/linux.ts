import {mkdtemp, readdir, readFile, rm, rmdir, unlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import type {MountSpec} from '../layout/types.js'
import {parseMountTable} from '../mounttable/parse.js'
import type {MountTable} from '../mounttable/types.js'
import {type RunOptions, type RunResult, runCommand} from './exec.js'
import {linuxFstabLine} from './fstab.js'
import {pidAlive} from './lock.js'
import {scanProcHolders} from './proc-scan.js'
import type {Holder, OpResult, Platform} from './types.js'

/** Generated fstab files live in `<tmpdir>/dsynth-fstab-<pid>-XXXXXX/fstab`. */
const FSTAB_DIR_PREFIX = 'dsynth-fstab-'

/**
 * Removes the fstab directories of dsynth runs that are gone (a run killed with SIGKILL cannot clean up): only
 * directories named for a pid that no longer runs, and in them only the file `fstab` (unlink and rmdir, never a tree).
 */
export async function sweepStaleFstabDirs(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  await Promise.all(names.map(async (name) => {
    const m = new RegExp(`^${FSTAB_DIR_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`).exec(name)
    if (m === null || pidAlive(Number(m[1]))) return
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

/** The Linux driver: /proc/self/mountinfo, util-linux mount/umount (always -n), a /proc scan for holders. */
export class LinuxPlatform implements Platform {
  readonly name = 'linux' as const

  /** The one sweep of generated fstab directories that killed runs left behind. */
  private swept: Promise<void> | undefined

  constructor(private readonly mountinfo = '/proc/self/mountinfo') {}

  async readMountTable(): Promise<MountTable> {
    return parseMountTable(await readFile(this.mountinfo, 'utf8'), {source: this.mountinfo, format: 'mountinfo'})
  }

  /** One generated fstab and one `mount -a -n -T` for the whole batch; `x-mount.mkdir` creates mount points in order. */
  async mount(specs: MountSpec[]): Promise<OpResult> {
    if (specs.length === 0) return {ok: true, commands: []}
    this.swept ??= sweepStaleFstabDirs(tmpdir())
    await this.swept
    const dir = await mkdtemp(path.join(tmpdir(), `${FSTAB_DIR_PREFIX}${process.pid}-`))
    try {
      const file = path.join(dir, 'fstab')
      await writeFile(file, specs.map((s) => linuxFstabLine(s, true)).join('\n') + '\n')
      const r = await runCommand(linuxBatchArgv(file))
      return {ok: r.exitCode === 0, commands: [r]}
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
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
