import {readFile, readdir, readlink, stat} from 'node:fs/promises'
import {isAtOrBelow} from '../util/paths.js'
import type {HoldKind, Holder} from './types.js'

/** Maps uids to login names from /etc/passwd (uid as text when unknown). */
async function userNames(): Promise<Map<number, string>> {
  const names = new Map<number, string>()
  try {
    for (const line of (await readFile('/etc/passwd', 'utf8')).split('\n')) {
      const f = line.split(':')
      if (f.length > 2) names.set(Number(f[2]), f[0])
    }
  } catch { /* no passwd: numeric uids */ }
  return names
}

/** Strips the ` (deleted)` that /proc appends to links of removed files. */
function clean(link: string): string {
  return link.endsWith(' (deleted)') ? link.slice(0, -10) : link
}

/** Linux: scans /proc/PID/{root,cwd,exe,fd/*,maps} for every process and reports those inside any of `dirs`. */
export async function scanProcHolders(dirs: string[], selfPid = process.pid): Promise<Holder[]> {
  const inside = (p: string) => dirs.find((d) => isAtOrBelow(p, d))
  const names = await userNames()
  const holders: Holder[] = []
  let entries: string[]
  try { entries = await readdir('/proc') } catch { return [] }
  await Promise.all(entries.filter((e) => /^\d+$/.test(e) && Number(e) !== selfPid).map(async (pidText) => {
    const pid = Number(pidText)
    const how = new Set<HoldKind>()
    let first = ''
    const check = async (kind: HoldKind, link: string) => {
      try {
        const target = clean(await readlink(link))
        if (inside(target)) { how.add(kind); first ||= target }
      } catch { /* process gone or not ours to read */ }
    }
    await Promise.all([check('root', `/proc/${pid}/root`), check('cwd', `/proc/${pid}/cwd`), check('exe', `/proc/${pid}/exe`)])
    try {
      const fds = await readdir(`/proc/${pid}/fd`)
      await Promise.all(fds.map((fd) => check('fd', `/proc/${pid}/fd/${fd}`)))
    } catch { /* gone */ }
    // a file mapped into memory (a library loaded from the slot) holds the mount as an open file does
    try {
      for (const line of (await readFile(`/proc/${pid}/maps`, 'utf8')).split('\n')) {
        const at = line.indexOf('/')
        if (at < 0) continue
        const target = clean(line.slice(at))
        if (inside(target)) { how.add('map'); first ||= target; break }
      }
    } catch { /* gone, or a kernel thread */ }
    if (how.size === 0) return
    let command = ''
    let user = ''
    try { command = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ') } catch { /* gone */ }
    try {
      const uid = (await stat(`/proc/${pid}`)).uid
      user = names.get(uid) ?? String(uid)
    } catch { /* gone */ }
    holders.push({pid, user, command, how: [...how], path: first})
  }))
  return holders.sort((a, b) => a.pid - b.pid)
}
