import {linkSync, readFileSync, unlinkSync, writeFileSync} from 'node:fs'
import {readFile, stat, unlink, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {describeIoError, ioHints, LockError} from '../errors.js'
import {isOtherProcessThread, processStartMs} from './proc-start.js'

/** Who holds the build base lock; written as JSON into the lock file. */
export interface LockInfo {
  pid: number
  command: string
  user: string
  host: string
  /** ISO time the lock was taken. */
  startedAt: string
}

/** The lock file of a build base. */
export function lockPath(buildBase: string): string {
  return path.join(buildBase, '.dsynth-slots.lock')
}

/** How far a process's start time may be after the moment it wrote a lock (boot time is known to the second). */
const START_SLACK_MS = 2000

/**
 * True when the process that wrote a lock or a temporary file as `pid` at `sinceMs` may still be running: a process
 * with that pid exists, is not a thread of another process, and started no later than `sinceMs`. A pid reused by a
 * process or thread started afterwards (pids wrap; on Linux thread ids share their numbers) is not the writer, and
 * its lock is stale. An unknown start time counts as the writer's.
 */
export function writerAlive(pid: number, sinceMs: number): boolean {
  if (!pidAlive(pid)) return false
  if (!Number.isFinite(sinceMs)) return true
  if (isOtherProcessThread(pid)) return false
  const started = processStartMs(pid)
  return started === null || started <= sinceMs + START_SLACK_MS
}

/** True when a process with this pid exists (EPERM also means it exists). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Reads the lock; null when there is none, `{corrupt}` when it cannot be parsed (half-written). */
export async function readLock(buildBase: string): Promise<LockInfo | {corrupt: string} | null> {
  let text: string
  try {
    text = readFileSync(lockPath(buildBase), 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  try {
    const info = JSON.parse(text) as LockInfo
    if (typeof info.pid !== 'number') throw new Error('no pid')
    return info
  } catch {
    return {corrupt: text.slice(0, 200)}
  }
}

/** One line naming the holder: `pid 1234 (dsynth apply) by root@host since 2026-...`. */
export function describeHolder(info: LockInfo): string {
  return `pid ${info.pid} (${info.command}) by ${info.user}@${info.host} since ${info.startedAt}`
}

/** A held lock; release() removes it only while it is still ours. */
export interface HeldLock {
  info: LockInfo
  /** True when a dead holder's lock was taken over. */
  tookOver: LockInfo | null
  release(): Promise<void>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Takes the build base lock: created atomically (link of a complete temporary file, so the lock is never
 * half-written); a lock whose pid is dead is taken over (serialised through a short-lived `.break` file);
 * otherwise waits up to `timeoutMs`, then fails naming the holder. The steps of taking and releasing it are
 * synchronous calls (each one system call; as promises, their thread-pool round trips were ~2 ms of every run).
 */
export async function acquireLock(buildBase: string, command: string, timeoutMs: number): Promise<HeldLock> {
  const file = lockPath(buildBase)
  const info: LockInfo = {pid: process.pid, command, user: os.userInfo().username, host: os.hostname(), startedAt: new Date().toISOString()}
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  const unlinkQuietly = (f: string) => { try { unlinkSync(f) } catch { /* already gone */ } }
  try {
    writeFileSync(tmp, JSON.stringify(info) + '\n')
  } catch (e) {
    unlinkQuietly(tmp)
    throw new LockError('LOCK_IO', `cannot lock the build base ${buildBase}: writing ${tmp} failed: ${describeIoError(e)}`, {cause: e, suggestions: ioHints(e)})
  }
  const deadline = Date.now() + timeoutMs
  const busyUntil = Date.now() + 1000
  let retries = 0
  let tookOver: LockInfo | null = null
  try {
    for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
      try {
        linkSync(tmp, file)
        break
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new LockError('LOCK_IO', `cannot create lock ${file}: ${describeIoError(e)}`, {cause: e, suggestions: ioHints(e)})
      }
      const held = await readLock(buildBase)
      if (held !== null && 'pid' in held && !writerAlive(held.pid, Date.parse(held.startedAt))) {
        const broken = await breakStaleLock(file, held)
        if (broken === true) { tookOver = held; continue }
        // a crashed breaker's file was removed, or the lock changed meanwhile: look again
        if ((broken === 'retry' || broken === false) && retries++ < 3) continue
        // another process is taking the stale lock over this moment: see who holds it next (it takes milliseconds)
        if (broken === 'busy' && Date.now() < busyUntil) { await sleep(10); continue }
      } else if (held !== null && 'corrupt' in held && await olderThan(file, 10_000)) {
        await unlink(file).catch(() => undefined)
        continue
      }
      if (Date.now() >= deadline) {
        const who = held !== null && 'pid' in held ? describeHolder(held) : 'an unreadable lock file'
        throw new LockError('LOCK_HELD', `the build base ${buildBase} is locked by ${who}`, {
          suggestions: ['wait for it to finish, pass --lock-timeout 2m to wait longer, or run `dsynth force-unlock` if it is gone'],
        })
      }
      await sleep(Math.min(delay, Math.max(10, deadline - Date.now())))
    }
  } finally {
    unlinkQuietly(tmp)
  }
  return {
    info, tookOver,
    async release() {
      const now = await readLock(buildBase).catch(() => null)
      if (now !== null && 'pid' in now && now.pid === info.pid && now.startedAt === info.startedAt) unlinkQuietly(file)
    },
  }
}

/**
 * Removes a dead holder's lock; only one process wins the `.break` file, and it re-checks before unlinking. `retry`:
 * a `.break` file left by a breaker that is gone (killed between writing and removing it) was removed, try again;
 * `busy`: a live process is breaking the lock right now.
 */
async function breakStaleLock(file: string, seen: LockInfo): Promise<boolean | 'retry' | 'busy'> {
  const brk = `${file}.break`
  try {
    await writeFile(brk, String(process.pid), {flag: 'wx'})
  } catch {
    const breaker = Number((await readFile(brk, 'utf8').catch(() => '')).trim())
    const written = await stat(brk).then((st) => st.mtimeMs, () => Number.NaN)
    // a crashed breaker must not block every apply: its file goes when its writer is gone (or after 10 s)
    if (!writerAlive(breaker, written) || Date.now() - written > 10_000) {
      await unlink(brk).catch(() => undefined)
      return 'retry'
    }
    return 'busy'
  }
  try {
    const again = await readLock(path.dirname(file))
    if (again === null || !('pid' in again) || again.pid !== seen.pid || again.startedAt !== seen.startedAt) return false
    await unlink(file)
    return true
  } finally {
    await unlink(brk).catch(() => undefined)
  }
}

/** True when `file` exists and was last modified more than `ms` ago. */
async function olderThan(file: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs > ms
  } catch {
    return false
  }
}

/** Removes the lock whoever holds it (`dsynth force-unlock`); returns what was removed. */
export async function forceUnlock(buildBase: string): Promise<LockInfo | {corrupt: string} | null> {
  const held = await readLock(buildBase)
  if (held !== null) await unlink(lockPath(buildBase)).catch(() => undefined)
  return held
}
