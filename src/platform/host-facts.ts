import {access, readFile, realpath} from 'node:fs/promises'
import {MountTableError} from '../errors.js'

/** realpath of `p`, or `p` itself when it does not exist (the kernel shows resolved paths). */
export async function resolvePath(p: string): Promise<string> {
  try {
    return await realpath(p)
  } catch {
    return p
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
