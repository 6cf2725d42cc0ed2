import {unlink} from 'node:fs/promises'
import {type LockInfo, lockPath, readLock, writerAlive} from './lock.js'

/**
 * Removes the build base lock only if it is still exactly the stale one that was seen: the same dead holder
 * (pid and start time, and no process started before the lock runs as that pid) or the same unreadable text. A lock taken in between is kept.
 * Returns true when removed.
 */
export async function removeStaleLock(buildBase: string, seen: Pick<LockInfo, 'pid' | 'startedAt'> | {corrupt: string}): Promise<boolean> {
  const now = await readLock(buildBase).catch(() => null)
  if (now === null) return false
  const same = 'corrupt' in seen
    ? 'corrupt' in now && now.corrupt === seen.corrupt
    : 'pid' in now && now.pid === seen.pid && now.startedAt === seen.startedAt && !writerAlive(now.pid, Date.parse(now.startedAt))
  if (!same) return false
  await unlink(lockPath(buildBase))
  return true
}
