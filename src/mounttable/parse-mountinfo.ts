import {decodeOctal} from './escape.js'
import {type LineResult, parseOptionField} from './line.js'

const SHAPE = 'expected "<id> <parent> <major:minor> <root> <mount point> <options> [<optional>...] - <fstype> <source> <super options>"'
const HEAD = /^\d+[ \t]+\d+[ \t]+\d+:\d+[ \t]/
const DIGITS = /^\d+$/
const DEV = /^\d+:\d+$/

/** True when a trimmed line starts like a Linux mountinfo line (`<id> <parent> <maj:min> `); used for detection. */
export function looksLikeMountinfo(line: string): boolean {
  return HEAD.test(line)
}

/**
 * Parses one trimmed line of Linux `/proc/<pid>/mountinfo` (proc(5)). Options are the per-mount field 6,
 * not the superblock options; optional fields (`shared:1 master:2`) are skipped.
 */
export function parseMountinfoLine(line: string): LineResult {
  const f = line.split(/[ \t]+/)
  if (f.length < 10) return SHAPE + `: only ${f.length} fields`
  if (!DIGITS.test(f[0]) || !DIGITS.test(f[1])) return SHAPE + ': mount id and parent id must be numbers'
  const id = Number(f[0])
  const parentId = Number(f[1])
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(parentId)) return SHAPE + ': mount id out of range'
  if (!DEV.test(f[2])) return SHAPE + ': field 3 is not <major>:<minor>'
  if (!f[4].startsWith('/')) return SHAPE + ': the mount point is not an absolute path'
  const sep = f.indexOf('-', 6)
  if (sep < 0) return SHAPE + ': no " - " separator'
  if (f.length - sep !== 4) return SHAPE + `: ${f.length - sep - 1} fields after " - " instead of 3`
  const {options, readonly} = parseOptionField(f[5])
  const source = decodeOctal(f[sep + 2])
  const target = decodeOctal(f[4])
  const fstype = decodeOctal(f[sep + 1])
  const root = decodeOctal(f[3])
  return {seq: 0, id, parent: parentId, source, target, fstype, root, dev: f[2], options, readonly, line: 0}
}
