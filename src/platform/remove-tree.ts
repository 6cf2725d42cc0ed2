import {lstat, readdir, rmdir, unlink} from 'node:fs/promises'
import path from 'node:path'
import {SafetyError} from '../errors.js'

/**
 * Removes `dir` and everything below it without ever crossing into another mount: every directory's
 * st_dev must equal `dev` (the filesystem the build base lives on), and symlinks are removed, never
 * followed. Callers must first prove from the live mount table that nothing is mounted at or below
 * `dir` — binds from the same filesystem share st_dev, so this check alone is not enough (node-stack §5).
 */
export async function removeTreeOnDevice(dir: string, dev: number): Promise<void> {
  const st = await lstat(dir)
  if (!st.isDirectory()) {
    await unlink(dir)
    return
  }
  if (st.dev !== dev) {
    throw new SafetyError('CROSSES_MOUNT', `refusing to remove ${dir}: it is on another filesystem (a mount point)`)
  }
  for (const name of await readdir(dir)) {
    const p = path.join(dir, name)
    const child = await lstat(p)
    if (child.isDirectory()) await removeTreeOnDevice(p, dev)
    else await unlink(p)
  }
  await rmdir(dir)
}
