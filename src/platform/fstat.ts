import type {HoldKind, Holder} from './types.js'

/**
 * Parses BSD `fstat -f DIR` output (`USER CMD PID FD MOUNT INUM MODE SZ|DV R/W [NAME]`) into holders of `dir`.
 * FD is `root`, `wd`, `text`, `jail`, `tr`, `mmap` or a number.
 */
export function parseFstat(text: string, dir: string): Holder[] {
  const byPid = new Map<number, Holder>()
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f.length < 5 || !/^\d+$/.test(f[2])) continue
    const pid = Number(f[2])
    const fd = f[3]
    const how: HoldKind = fd === 'root' || fd === 'jail' ? 'root' : fd === 'wd' ? 'cwd' : fd === 'text' ? 'exe'
      : fd === 'mmap' ? 'map' : 'fd'
    const h = byPid.get(pid) ?? {pid, user: f[0], command: f[1], how: [], path: dir}
    if (!h.how.includes(how)) h.how.push(how)
    byPid.set(pid, h)
  }
  return [...byPid.values()]
}
