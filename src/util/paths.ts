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

/** True when `p` is already what normalizeAbs makes of it (a quick look first: most paths have no ., .. or //). */
export function isCanonicalAbs(p: string): boolean {
  if (!p.startsWith('/')) return false
  if (!p.includes('//') && !p.includes('/.') && (p.length === 1 || !p.endsWith('/'))) return true
  return normalizeAbs(p) === p
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
