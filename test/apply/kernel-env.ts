import {accessSync, chmodSync, constants, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Mount} from '../../src/mounttable/types.js'

/**
 * The simulated BSD kernel of test/fixtures/bsd-kernel (`mount`, `umount`, `fstat` keeping a table in a JSON
 * file): the environment that puts it first on PATH, and readers of its table and log. Tests run as root
 * here, so before anything is spawned the PATH is checked to resolve every command to the fixture: the
 * driver's `mount -a -F FILE` means something else entirely to util-linux.
 */

/** Directory of the fake commands. */
export const KERNEL_DIR = fileURLToPath(new URL('../fixtures/bsd-kernel', import.meta.url))

/** One mount of the fake kernel's table file. */
export interface KernelMount {
  source: string
  target: string
  fstype: string
  readonly: boolean
  flags?: string[]
  id?: number
  parent?: number | null
}

/** One logged invocation. */
export interface KernelCall {
  argv: string[]
  /** Text of the `-F FILE` of `mount -a -F FILE`. */
  fstab?: string
}

/** A simulated kernel living in `dir`. */
export interface Kernel {
  /** FAKE_BSD_* variables and PATH with the fixture first. */
  env: Record<string, string>
  table: string
  log: string
  /** Replaces the table. */
  seed(mounts: ReadonlyArray<KernelMount | Mount>): void
  readTable(): KernelMount[]
  readLog(): KernelCall[]
  clearLog(): void
}

/** The first executable `cmd` on `searchPath`, as execvp finds it. */
export function which(cmd: string, searchPath: string): string | null {
  for (const dir of searchPath.split(':')) {
    const p = path.join(dir || '.', cmd)
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch { /* next */ }
  }
  return null
}

/** A kernel whose table and log are files in `dir`; throws unless PATH resolves mount/umount/fstat to the fixture. */
export function makeKernel(dir: string, flavor: 'dragonfly' | 'freebsd', extra: Record<string, string> = {}): Kernel {
  const table = path.join(dir, 'kernel-table.json')
  const log = path.join(dir, 'kernel-log.jsonl')
  const env: Record<string, string> = {
    PATH: `${KERNEL_DIR}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    FAKE_BSD_TABLE: table, FAKE_BSD_LOG: log, FAKE_BSD_FLAVOR: flavor, ...extra,
  }
  for (const cmd of ['mount', 'umount', 'fstat']) {
    // a checkout may lose the executable bit; without it PATH would fall through to the host's mount
    chmodSync(path.join(KERNEL_DIR, cmd), 0o755)
    const found = which(cmd, env.PATH)
    if (found !== path.join(KERNEL_DIR, cmd)) throw new Error(`refusing to run: ${cmd} resolves to ${found}, not the simulated kernel`)
  }
  writeFileSync(table, JSON.stringify({mounts: []}))
  writeFileSync(log, '')
  return {
    env, table, log,
    seed(mounts) {
      writeFileSync(table, JSON.stringify({mounts: mounts.map((m) => ({source: m.source, target: m.target, fstype: m.fstype, readonly: m.readonly,
        flags: 'options' in m ? m.options.filter((o) => o !== 'ro' && o !== 'rw') : m.flags ?? ['local']}))}))
    },
    readTable: () => (JSON.parse(readFileSync(table, 'utf8')) as {mounts: KernelMount[]}).mounts,
    readLog: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as KernelCall),
    clearLog: () => writeFileSync(log, ''),
  }
}

/** Runs `fn` with `env` merged into process.env (for drivers that spawn with the inherited environment). */
export async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]))
  Object.assign(process.env, env)
  try {
    return await fn()
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}
