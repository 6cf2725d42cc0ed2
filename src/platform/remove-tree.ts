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

/**
 * The files (anything but directories and symlinks) below `dir` on device `dev`, at most `limit` of them, as paths
 * relative to `dir`: what a destroy must not delete (data written into a slot directory while nothing was mounted).
 */
export async function filesOnDevice(dir: string, dev: number, limit = 5): Promise<string[]> {
  const found: string[] = []
  const walk = async (d: string): Promise<void> => {
    for (const name of (await readdir(d)).sort()) {
      if (found.length >= limit) return
      const p = path.join(d, name)
      const st = await lstat(p)
      if (st.isDirectory()) { if (st.dev === dev) await walk(p) } else if (!st.isSymbolicLink()) found.push(path.relative(dir, p))
    }
  }
  const st = await lstat(dir)
  if (st.isDirectory() && st.dev === dev) await walk(dir)
  return found
}

/**
 * Empties the writable state of a mounted slot root: removes everything in the root filesystem except the
 * mount points in `mountPoints` and the directories leading to them (which are walked, not removed).
 * Never descends into another filesystem (st_dev of the root, `dev`).
 */
export async function clearAroundMounts(root: string, mountPoints: ReadonlySet<string>, dev: number): Promise<void> {
  const keep = (p: string) => {
    for (const m of mountPoints) if (m === p || m.startsWith(p + '/')) return true
    return false
  }
  for (const name of await readdir(root)) {
    const p = path.join(root, name)
    if (mountPoints.has(p)) continue
    const st = await lstat(p)
    if (st.isDirectory() && keep(p)) {
      if (st.dev === dev) await clearAroundMounts(p, mountPoints, dev)
      continue
    }
    await removeTreeOnDevice(p, dev)
  }
}
