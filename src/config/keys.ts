import {ConfigError} from '../errors.js'
import {isBelow, normalizeAbs} from '../util/paths.js'

/** Keys a profile section accepts (C dsynth `config.c` parseProfile); case-sensitive, as C compares with strcmp. */
export const PROFILE_KEYS = [
  'Operating_system',
  'Directory_packages',
  'Directory_repository',
  'Directory_portsdir',
  'Directory_options',
  'Directory_distfiles',
  'Directory_buildbase',
  'Directory_logs',
  'Directory_ccache',
  'Directory_system',
  'Package_suffix',
  'Meta_version',
  'Number_of_builders',
  'Max_jobs_per_builder',
  'Tmpfs_workdir',
  'Tmpfs_localbase',
  'Display_with_ncurses',
  'leverage_prebuilt',
  'Check_plist',
  'Numa_setsize',
] as const

/** One of the keys a profile section accepts. */
export type ProfileKey = (typeof PROFILE_KEYS)[number]

/** The key only `[Global Configuration]` accepts. */
export const PROFILE_SELECTED = 'profile_selected'

/** Name of the global section, matched exactly as C does. */
export const GLOBAL_SECTION = 'Global Configuration'

/** Keys only go-synth reads: accepted in any section, ignored with a warning. */
export const GOSYNTH_ONLY_KEYS: ReadonlySet<string> = new Set([
  'Disable_throttle',
  'Migration_auto_migrate',
  'Migration_backup_legacy',
  'Database_path',
  'Database_auto_vacuum',
])

/** Values `Package_suffix` may take (C dsynth asserts one of these). */
export const PACKAGE_SUFFIXES = ['.tgz', '.tar', '.txz', '.tzst', '.tbz'] as const

/** Directories a build base must never be: slots are created and torn down inside it. */
export const SYSTEM_DIRS: ReadonlySet<string> = new Set([
  '/', '/bin', '/sbin', '/lib', '/lib64', '/libexec',
  '/usr', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64', '/usr/libexec', '/usr/libdata',
  '/usr/include', '/usr/share', '/usr/games', '/usr/src', '/usr/obj', '/usr/local',
  '/etc', '/dev', '/proc', '/sys', '/boot', '/var', '/tmp', '/root', '/home', '/run',
  '/opt', '/mnt', '/media', '/srv',
  '/var/db', '/var/lib', '/var/log', '/var/tmp', '/var/cache', '/var/run', '/var/spool', '/var/mail', '/var/empty',
  '/usr/local/bin', '/usr/local/sbin', '/usr/local/lib', '/usr/local/libexec', '/usr/local/include', '/usr/local/share',
  '/usr/local/etc',
])

/** Keys from go-synth's README sample that neither implementation reads, mapped to the real key. */
const KEY_ALIASES: Readonly<Record<string, string>> = {
  Max_jobs: 'Max_jobs_per_builder',
  System_path: 'Directory_system',
  Ccache_dir: 'Directory_ccache',
  Use_tmpfs: 'Tmpfs_workdir',
}

/** Where a value was read: the file, its 1-based line and the key, for error messages. */
export interface ValueSite {
  /** File name as it should appear in messages. */
  file: string
  /** 1-based line number. */
  line: number
  /** The key on that line. */
  key: string
}

/** One `Key= value` line as read: the key, the first token after `=`, and the 1-based line. */
export interface IniEntry {
  /** Text before `=`, trimmed; case-sensitive. */
  key: string
  /** First whitespace-delimited token after `=`; never empty. */
  value: string
  /** 1-based line number. */
  line: number
}

/** Throws a ConfigError whose message starts with `FILE:LINE: `. */
export function failAt(site: {file: string; line: number}, code: string, message: string, suggestions: string[] = []): never {
  throw new ConfigError(code, `${site.file}:${site.line}: ${message}`, {suggestions})
}

/**
 * Trees that belong to the system as a whole: a build base below one of them is refused too (slots mount these
 * directories read-only from `Directory_system`, and /dev, /proc and /sys are the kernel's).
 */
export const SYSTEM_TREES: readonly string[] = [
  '/bin', '/sbin', '/lib', '/lib64', '/libexec', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64', '/usr/libexec',
  '/usr/libdata', '/usr/include', '/usr/share', '/usr/games', '/usr/src', '/etc', '/boot', '/dev', '/proc', '/sys',
  '/rescue', '/compat',
]

/** The system directory that rules out `p` as a build base (`p` itself, or a system tree it lies in), or null. */
export function systemDirOf(p: string): string | null {
  const n = normalizeAbs(p)
  if (SYSTEM_DIRS.has(n)) return n
  return SYSTEM_TREES.find((t) => isBelow(n, t)) ?? null
}

/** True when the normalised absolute path `p` is one of SYSTEM_DIRS or lies inside one of SYSTEM_TREES. */
export function isSystemDir(p: string): boolean {
  return systemDirOf(p) !== null
}

/** Levenshtein distance between two strings. */
export function measureDistance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = row
  }
  return prev[b.length]
}

/** "did you mean" hints for `word` among `known`: alias, case-only difference, or the nearest name by edit distance. */
export function suggestName(word: string, known: readonly string[]): string[] {
  const alias = KEY_ALIASES[word]
  if (alias !== undefined && known.includes(alias)) return [`did you mean '${alias}'?`]
  const lower = word.toLowerCase()
  const sameButCase = known.find((k) => k.toLowerCase() === lower)
  if (sameButCase !== undefined) return [`did you mean '${sameButCase}'?`, 'keys and profile names are case-sensitive']
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const k of known) {
    const d = measureDistance(lower, k.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [k, d]
  }
  const limit = Math.max(2, Math.floor(word.length / 4))
  return best !== undefined && bestDistance <= limit ? [`did you mean '${best}'?`] : []
}

/** Parses a C dsynth boolean: 0, 1, true or false (words case-insensitive). */
export function toBoolean(value: string, site: ValueSite): boolean {
  const v = value.toLowerCase()
  if (v === '1' || v === 'true') return true
  if (v === '0' || v === 'false') return false
  return failAt(site, 'CONFIG_BAD_BOOLEAN', `${site.key}: boolean not one of 0/1/true/false: '${value}'`)
}

/** Parses an integer as C `strtol(v, NULL, 0)` does (hex `0x`, octal leading `0`, decimal), but rejects garbage C would read as 0. */
export function toInteger(value: string, site: ValueSite): number {
  const m = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(value)
  const n = m === null ? Number.NaN : parseDigits(m)
  if (!Number.isSafeInteger(n)) {
    const hint = /^[+-]?0[0-9]+$/.test(value) ? ['a leading 0 means octal, as in C strtol'] : []
    return failAt(site, 'CONFIG_BAD_INTEGER', `${site.key}: not an integer: '${value}'`, hint)
  }
  return n
}

/** Magnitude of a matched strtol literal, with its sign applied. */
function parseDigits(m: RegExpExecArray): number {
  const [, sign, hex, oct, dec] = m
  const n = hex === undefined ? oct === undefined ? Number.parseInt(dec, 10) : Number.parseInt(oct, 8) : Number.parseInt(hex, 16)
  return sign === '-' ? -n : n
}

/** Validates a directory value: absolute, free of control characters; returns it normalised. */
export function toDirectory(value: string, site: ValueSite): string {
  if (!value.startsWith('/')) {
    return failAt(site, 'CONFIG_RELATIVE_PATH', `${site.key}: relative path '${value}' (directories must be absolute)`)
  }
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    return failAt(site, 'CONFIG_BAD_PATH', `${site.key}: path contains control characters: ${JSON.stringify(value)}`)
  }
  return normalizeAbs(value)
}
