import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'

/**
 * When the process with this pid started, in milliseconds since the epoch (to about a second), or null when that
 * cannot be told. Linux: `starttime` of /proc/PID/stat (clock ticks since boot; /proc counts USER_HZ, 100 a second)
 * plus `btime` of /proc/stat. FreeBSD and DragonFly: `ps -o lstart= -p PID` (one process, asked only when a lock's
 * holder pid is found alive).
 */
export function processStartMs(pid: number, platform: NodeJS.Platform = process.platform): number | null {
  try {
    if (platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      // fields after the command name, which is in parentheses and may hold spaces: state is field 3, starttime 22
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ticks = Number(fields[22 - 3])
      const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1])
      return Number.isFinite(ticks) && Number.isFinite(btime) ? btime * 1000 + ticks * 10 : null
    }
    if (platform === 'freebsd' || platform === 'dragonfly' as NodeJS.Platform) {
      return parseLstart(execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}))
    }
  } catch {
    // gone, or not readable: unknown
  }
  return null
}

/** BSD ps's `lstart` (`Fri Dec  4 17:10:38 2026`, local time) in milliseconds since the epoch, or null. */
export function parseLstart(text: string): number | null {
  const m = /^\s*\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})\s*$/.exec(text)
  if (!m) return null
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[1])
  if (month < 0) return null
  return new Date(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime()
}

/**
 * True when `pid` names a thread of another process on Linux (thread ids share the pid space, and kill(tid, 0)
 * succeeds for them): such a pid is never the process that wrote a lock.
 */
export function isOtherProcessThread(pid: number, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') return false
  try {
    const tgid = /^Tgid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return tgid !== undefined && Number(tgid) !== pid
  } catch {
    return false
  }
}
