import {existsSync, realpathSync, statSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {MountTableError} from '../errors.js'

/**
 * The real path of the absolute path `p` (the kernel shows resolved paths): realpath of its deepest existing ancestor
 * with the rest appended, so a directory that does not exist yet is still resolved through the symlinks above it.
 * `p` itself when nothing can be resolved.
 * This and pathExists make synchronous calls behind a promise: each is one system call that answers in microseconds,
 * and a plan asks a few dozen of them one after another (the thread pool's round trips were ~2 ms of every run).
 */
export async function resolvePath(p: string): Promise<string> {
  const rest: string[] = []
  for (let dir = p; ; dir = path.posix.dirname(dir)) {
    try {
      const real = realpathSync.native(dir)
      return rest.length === 0 ? real : path.posix.join(real, ...rest.reverse())
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dir === '/' || dir === '.') return p
      rest.push(path.posix.basename(dir))
    }
  }
}

/** True when `p` is a directory (following symlinks); false when it is not or cannot be read. Synchronous, as pathExists. */
export function isDirectory(p: string): boolean {
  try {
    return statSync(p, {throwIfNoEntry: false})?.isDirectory() ?? false
  } catch {
    return false
  }
}

/** True when `p` exists. */
export async function pathExists(p: string): Promise<boolean> {
  return existsSync(p)
}

/** Reads a captured mount table from a file, or from stdin for `-`. */
export async function readMountsText(file: string): Promise<string> {
  try {
    if (file === '-') {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    }
    return await readFile(file, 'utf8')
  } catch (e) {
    throw new MountTableError('MOUNTTABLE_UNREADABLE', `cannot read mount table ${file}: ${(e as Error).message}`, {cause: e})
  }
}
