import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {MountTableError} from '../errors.js'
import type {MountSpec} from '../layout/types.js'
import {parseMountTable} from '../mounttable/parse.js'
import type {MountTable} from '../mounttable/types.js'
import {type RunOptions, type RunResult, runCommand} from './exec.js'
import {bsdFstabLine} from './fstab.js'
import {parseFstat} from './fstat.js'
import type {Holder, OpResult, Platform} from './types.js'

/** C dsynth's single-mount command line: `mount -t null -o ro SRC DST`, `mount -t tmpfs -o rw,size=64g tmpfs DST`. */
export function bsdMountArgv(spec: MountSpec): string[] {
  return ['mount', '-t', spec.fstype, '-o', spec.options.join(','), spec.source, spec.target]
}

/** Batch: every entry of an alternate fstab (mount points must exist; mount -a processes the file in order). */
export function bsdBatchArgv(fstabFile: string): string[] {
  return ['mount', '-a', '-F', fstabFile]
}

/** `mount -u -o ro|rw DST`: change ro/rw in place. */
export function bsdRemountArgv(spec: MountSpec): string[] {
  return ['mount', '-u', '-o', spec.readonly ? 'ro' : 'rw', spec.target]
}

/** `umount DST`: one process per target, like C dsynth (DragonFly's umount documents one node per call). */
export function bsdUnmountArgv(target: string): string[] {
  return ['umount', target]
}

/** The DragonFly and FreeBSD driver: `mount` output, mount/umount commands, `fstat -f` for holders. */
export class BsdPlatform implements Platform {
  constructor(readonly name: 'dragonfly' | 'freebsd') {}

  async readMountTable(): Promise<MountTable> {
    const r = await runCommand(['mount'])
    if (r.exitCode !== 0) throw new MountTableError('MOUNTTABLE_READ', `cannot read the mount table: \`mount\` exited with ${r.exitCode}: ${r.stderr.trim()}`)
    return parseMountTable(r.stdout, {source: 'mount', format: 'bsd-mount'})
  }

  /**
   * The slot root (when in the batch) is mounted alone, because every other mount point lives inside it;
   * then the mount points are created and the rest goes through one `mount -a -F`.
   */
  async mount(specs: MountSpec[]): Promise<OpResult> {
    const commands: RunResult[] = []
    let rest = specs
    if (specs.length > 0 && specs[0].path === '/') {
      await mkdir(specs[0].target, {recursive: true})
      const r = await runCommand(bsdMountArgv(specs[0]))
      commands.push(r)
      if (r.exitCode !== 0) return {ok: false, commands}
      rest = specs.slice(1)
    }
    if (rest.length === 0) return {ok: true, commands}
    for (const s of rest) await mkdir(s.target, {recursive: true})
    const dir = await mkdtemp(path.join(tmpdir(), 'dsynth-fstab-'))
    try {
      const file = path.join(dir, 'fstab')
      await writeFile(file, rest.map(bsdFstabLine).join('\n') + '\n')
      const r = await runCommand(bsdBatchArgv(file))
      commands.push(r)
      return {ok: r.exitCode === 0, commands}
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  }

  async unmount(targets: string[]): Promise<OpResult> {
    const commands: RunResult[] = []
    for (const t of targets) commands.push(await runCommand(bsdUnmountArgv(t)))
    return {ok: commands.every((c) => c.exitCode === 0), commands}
  }

  async remount(spec: MountSpec): Promise<OpResult> {
    const r = await runCommand(bsdRemountArgv(spec))
    return {ok: r.exitCode === 0, commands: [r]}
  }

  /** `fstat -f DIR` for each directory (one filesystem each), merged per pid. */
  async findHolders(dirs: string[]): Promise<Holder[]> {
    const byPid = new Map<number, Holder>()
    for (const dir of dirs) {
      const r = await runCommand(['fstat', '-f', dir])
      for (const h of parseFstat(r.stdout, dir)) {
        const seen = byPid.get(h.pid)
        if (seen) seen.how = [...new Set([...seen.how, ...h.how])]
        else byPid.set(h.pid, h)
      }
    }
    return [...byPid.values()].sort((a, b) => a.pid - b.pid)
  }

  run(argv: string[], opts?: RunOptions): Promise<RunResult> {
    return runCommand(argv, opts)
  }

  chrootArgv(slotDir: string, argv: string[]): string[] {
    return ['chroot', slotDir, ...argv]
  }
}
