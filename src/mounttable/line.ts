import {decodeOctal} from './escape.js'
import type {Mount} from './types.js'

/**
 * What a line parser returns: a Mount whose seq, id and line the table fills in and whose `parent` still holds the raw
 * mountinfo parent id (null for BSD formats), or a short reason why the line is not a mount.
 */
export type LineResult = Mount | string

/** Normalised options of one mount. */
export interface NormalizedOptions {
  /** Sorted, de-duplicated, exactly one of `ro`/`rw`. Frozen: mounts with the same option text share it. */
  options: readonly string[]
  /** True when `options` holds `ro`. */
  readonly: boolean
}

/**
 * Normalises option words into a sorted set: `read-only` → `ro`, `mounted by X` → `mounted-by=X`, empties dropped,
 * and exactly one of `ro`/`rw` kept (`ro` wins; `rw` is added when neither is present).
 */
export function normalizeOptions(words: readonly string[]): NormalizedOptions {
  const set = new Set<string>()
  for (const w of words) {
    if (w === '') continue
    if (w === 'read-only') set.add('ro')
    else if (w.startsWith('mounted by ') && w.length > 11) set.add('mounted-by=' + w.slice(11))
    else set.add(w)
  }
  const readonly = set.has('ro')
  if (readonly) set.delete('rw')
  else set.add('rw')
  return {options: Object.freeze([...set].sort()), readonly}
}

/**
 * Memoises normalisation of an option field by its raw text: real tables repeat a handful of option strings.
 * The cache stops growing at `limit` entries so random input cannot make it large. Results are shared: keep them frozen.
 */
export function optionCache<T>(parse: (raw: string) => T, limit = 4096): (raw: string) => T {
  const cache = new Map<string, T>()
  return (raw) => {
    let hit = cache.get(raw)
    if (hit === undefined) {
      hit = parse(raw)
      if (cache.size < limit) cache.set(raw, hit)
    }
    return hit
  }
}

/** Reads a comma-separated option field (mount -p, mountinfo): split first, then decode, so `\054` stays inside a word. */
export const parseOptionField = optionCache((text) => normalizeOptions(text.split(',').map(decodeOctal)))

/** Strips leading spaces/tabs and trailing spaces/tabs/CRs, without a regex (anchored-end regexes go quadratic on long runs). */
export function trimLine(line: string): string {
  let a = 0
  let b = line.length
  while (a < b && isBlank(line.charCodeAt(a))) a++
  while (b > a && (isBlank(line.charCodeAt(b - 1)) || line.charCodeAt(b - 1) === 13)) b--
  return a === 0 && b === line.length ? line : line.slice(a, b)
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9
}
