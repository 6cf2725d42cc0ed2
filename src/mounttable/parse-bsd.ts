import {decodeOctal} from './escape.js'
import {type LineResult, normalizeOptions, optionCache, type NormalizedOptions, parseOptionField, trimLine} from './line.js'

const BSD_MOUNT_SHAPE = 'expected "<from> on <on> (<fstype>[, <flag>]...)"'

/** True when a trimmed line has the shape of BSD `mount` output (` on ` and a closing parenthesis); used for detection. */
export function looksLikeBsdMount(line: string): boolean {
  return line.endsWith(')') && line.includes(' on ') && line.includes(' (')
}

/** Reads the text inside the parentheses: the fstype, then flags as a set. */
const parseFlags = optionCache((text): NormalizedOptions & {fstype: string} => {
  // trimLine, not String#trim: only ASCII blanks separate flags, a no-break space belongs to the word
  const words = text.split(',').map((f) => decodeOctal(trimLine(f)))
  return {fstype: words[0], ...normalizeOptions(words.slice(1))}
})

/**
 * Parses one trimmed line of BSD `mount` output: `<from> on <on> (<fstype>[, flag]...)`.
 * The flag list is the text after the last ` (`; from/on split at the first ` on ` followed by `/`; flags are a set.
 */
export function parseBsdMountLine(line: string): LineResult {
  const open = line.lastIndexOf(' (')
  if (open < 0 || !line.endsWith(')')) return BSD_MOUNT_SHAPE
  // the first ` on /` before the flag list (searched in place: no copy of the text before it)
  let at = line.indexOf(' on ')
  while (at >= 0 && at + 4 < open && line.charCodeAt(at + 4) !== 47 /* '/' */) at = line.indexOf(' on ', at + 1)
  if (at <= 0 || at + 4 >= open) return BSD_MOUNT_SHAPE + ': no " on /<path>" before the flag list'
  const {fstype, options, readonly} = parseFlags(line.slice(open + 2, -1))
  if (fstype === '') return BSD_MOUNT_SHAPE + ': the filesystem type is missing'
  if (fstype === 'rw' || fstype === 'ro') {
    return 'this looks like Linux `mount` output ("<from> on <on> type <fstype> (<options>)"); read /proc/self/mountinfo instead'
  }
  const source = decodeOctal(line.slice(0, at))
  const target = decodeOctal(line.slice(at + 4, open))
  return {seq: 0, id: 0, parent: null, source, target, fstype, root: '/', dev: '', options, readonly, line: 0}
}

const BSD_MOUNT_P_SHAPE = 'expected "<from> <on> <fstype> <options> [<freq> [<pass>]]"'
const DIGITS = /^\d+$/

/**
 * Parses one trimmed line of BSD `mount -p` output (fstab format): fields split on runs of spaces/tabs,
 * freq and pass optional but numeric when present.
 */
export function parseBsdMountPLine(line: string): LineResult {
  const f = line.split(/[ \t]+/)
  if (f.length < 4) return BSD_MOUNT_P_SHAPE + `: only ${f.length} field(s)`
  if (f.length > 6) return BSD_MOUNT_P_SHAPE + `: ${f.length} fields (a path with an unescaped space?)`
  if (!f[1].startsWith('/')) return BSD_MOUNT_P_SHAPE + ': the mount point is not an absolute path'
  if ((f.length > 4 && !DIGITS.test(f[4])) || (f.length > 5 && !DIGITS.test(f[5]))) {
    return BSD_MOUNT_P_SHAPE + ': freq and pass must be numbers'
  }
  const {options, readonly} = parseOptionField(f[3])
  const source = decodeOctal(f[0])
  const target = decodeOctal(f[1])
  const fstype = decodeOctal(f[2])
  return {seq: 0, id: 0, parent: null, source, target, fstype, root: '/', dev: '', options, readonly, line: 0}
}
