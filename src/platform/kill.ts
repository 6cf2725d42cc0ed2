import {readFileSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {pidAlive} from './lock.js'

/** Sends `signal` to each pid; returns the pids that received it (a pid already gone is skipped). */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): number[] {
  const sent: number[] = []
  for (const pid of pids) {
    try {
      process.kill(pid, signal)
      sent.push(pid)
    } catch { /* ESRCH: gone already; EPERM: not ours to stop */ }
  }
  return sent
}

/** True when `pid` no longer runs: no such process, or (Linux) a zombie waiting for its parent to reap it. */
export async function isGone(pid: number): Promise<boolean> {
  if (!pidAlive(pid)) return true
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z'
  } catch {
    return false
  }
}

/** Polls until every pid is gone or `timeoutMs` passed; returns the pids still running. */
export async function waitGone(pids: readonly number[], timeoutMs: number, pollMs = 50): Promise<number[]> {
  const deadline = Date.now() + timeoutMs
  let left = [...pids]
  for (;;) {
    const still: number[] = []
    for (const pid of left) if (!(await isGone(pid))) still.push(pid)
    left = still
    if (left.length === 0 || Date.now() >= deadline) return left
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, deadline - Date.now()))))
  }
}

/** The parent pid of `pid` from /proc (Linux), or null where there is none to read. */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    return Number.isInteger(ppid) ? ppid : null
  } catch {
    return null
  }
}

let ancestors: Set<number> | undefined

/**
 * dsynth's ancestors: its parent, and on Linux every process above it (a wrapper such as `sudo` or `sh -c` sits
 * between dsynth and the user's shell, which must never be stopped because its cwd is inside a slot).
 */
function dsynthAncestors(): Set<number> {
  if (ancestors) return ancestors
  ancestors = new Set([process.ppid])
  for (let pid: number | null = process.ppid; pid !== null && pid > 1 && ancestors.size < 256; ) {
    pid = parentOf(pid)
    if (pid !== null && pid > 1) ancestors.add(pid)
  }
  return ancestors
}

/** Why a pid must never be signalled by dsynth, or null: init, dsynth itself, and the processes that started it. */
export function refuseToSignal(pid: number): string | null {
  if (pid <= 1) return 'init'
  if (pid === process.pid) return 'dsynth itself'
  if (pid === process.ppid) return "dsynth's parent (the shell that started it)"
  if (dsynthAncestors().has(pid)) return 'an ancestor of dsynth (the shell or wrapper that started it)'
  return null
}
