import path from 'node:path'

/** True when `p` is `base` itself or lies below it, compared by whole path components (never by string prefix). */
export function isAtOrBelow(p: string, base: string): boolean {
  if (base === '/') return p.startsWith('/')
  return p === base || p.startsWith(base.endsWith('/') ? base : base + '/')
}

/** True when `p` lies strictly below `base`. */
export function isBelow(p: string, base: string): boolean {
  return p !== base && isAtOrBelow(p, base)
}

/** Normalises an absolute path: collapses `//`, `.` and `..`, drops a trailing slash (except for `/`). */
export function normalizeAbs(p: string): string {
  const n = path.posix.normalize(p)
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n
}

/** Joins a slot-relative path (`/`, `/usr/bin`) onto a slot directory. */
export function joinSlot(slotDir: string, rel: string): string {
  return rel === '/' ? slotDir : slotDir + rel
}
