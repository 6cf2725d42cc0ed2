import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import type {MountSpec} from '../layout/types.js'
import {parseMountTable} from '../mounttable/parse.js'
import type {MountTable} from '../mounttable/types.js'
import {type RunOptions, type RunResult, runCommand} from './exec.js'
import {linuxFstabLine} from './fstab.js'
import {scanProcHolders} from './proc-scan.js'
import type {Holder, OpResult, Platform} from './types.js'

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

  constructor(private readonly mountinfo = '/proc/self/mountinfo') {}

  async readMountTable(): Promise<MountTable> {
    return parseMountTable(await readFile(this.mountinfo, 'utf8'), {source: this.mountinfo, format: 'mountinfo'})
  }

  /** One generated fstab and one `mount -a -n -T` for the whole batch; `x-mount.mkdir` creates mount points in order. */
  async mount(specs: MountSpec[]): Promise<OpResult> {
    if (specs.length === 0) return {ok: true, commands: []}
    const dir = await mkdtemp(path.join(tmpdir(), 'dsynth-fstab-'))
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
