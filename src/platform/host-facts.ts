import {access, readFile, realpath} from 'node:fs/promises'
import path from 'node:path'
import {MountTableError} from '../errors.js'

/**
 * The real path of the absolute path `p` (the kernel shows resolved paths): realpath of its deepest existing ancestor
 * with the rest appended, so a directory that does not exist yet is still resolved through the symlinks above it.
 * `p` itself when nothing can be resolved.
 */
export async function resolvePath(p: string): Promise<string> {
  const rest: string[] = []
  for (let dir = p; ; dir = path.posix.dirname(dir)) {
    try {
      const real = await realpath(dir)
      return rest.length === 0 ? real : path.posix.join(real, ...rest.reverse())
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dir === '/' || dir === '.') return p
      rest.push(path.posix.basename(dir))
    }
  }
}

/** True when `p` exists. */
export async function pathExists(p: string): Promise<boolean> {
  try {
    await access(p)
    return true
  } catch {
    return false
  }
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
