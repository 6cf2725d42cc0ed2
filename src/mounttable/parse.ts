import {MountTableError} from '../errors.js'
import {derivePathParents, resolveIdParents} from './parents.js'
import {looksLikeBsdMount, parseBsdMountLine, parseBsdMountPLine} from './parse-bsd.js'
import {looksLikeMountinfo, parseMountinfoLine} from './parse-mountinfo.js'
import {type LineResult, trimLine} from './line.js'
import type {Mount, MountTable, MountTableFormat} from './types.js'

export {formatMountLine} from './format.js'

/** Where the text came from and, optionally, which format it is in (detected from the first non-blank line otherwise). */
export interface ParseMountTableOptions {
  /** Name used in error messages (a file name, `mount`); default `<input>`. */
  source?: string
  /** Skip detection and parse every line in this format. */
  format?: MountTableFormat
}

/** Human name of each format, as error messages say it. */
export const FORMAT_NAMES: Record<MountTableFormat, string> = {
  'bsd-mount': 'BSD mount output',
  'bsd-mount-p': 'BSD mount -p output',
  mountinfo: 'Linux mountinfo',
}

const LINE_PARSERS: Record<MountTableFormat, (line: string) => LineResult> = {
  'bsd-mount': parseBsdMountLine,
  'bsd-mount-p': parseBsdMountPLine,
  mountinfo: parseMountinfoLine,
}

/** The format a trimmed, non-blank line is written in, or undefined when it looks like none of them. */
export function detectFormat(line: string): MountTableFormat | undefined {
  if (looksLikeMountinfo(line)) return 'mountinfo'
  if (looksLikeBsdMount(line)) return 'bsd-mount'
  if (typeof parseBsdMountPLine(line) !== 'string') return 'bsd-mount-p'
  return undefined
}

/**
 * Parses a mount table (BSD `mount`, BSD `mount -p` or Linux mountinfo) into plain data, with parents resolved.
 * Blank lines are skipped, CRLF and surrounding blanks tolerated; any other line that does not parse throws a
 * MountTableError (code MOUNTTABLE_PARSE) naming the source, the 1-based line and the text. Linear in the input.
 */
export function parseMountTable(text: string, opts: ParseMountTableOptions = {}): MountTable {
  const source = opts.source ?? '<input>'
  let format = opts.format
  const mounts: Mount[] = []
  // line by line without splitting the text first: an array of every line would outlive the young generation on
  // large tables and make the garbage collector copy it (parse time grew faster than the table)
  for (let i = 0, start = 0; start <= text.length; i++) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const line = trimLine(text.slice(start, end))
    start = end + 1
    if (line === '') continue
    if (format === undefined) {
      format = detectFormat(line)
      if (format === undefined) {
        throw parseError(`${source}:${i + 1}: cannot parse line as a mount table`, line, [
          'expected BSD `mount` output, BSD `mount -p` output or Linux /proc/self/mountinfo',
        ])
      }
    }
    const m = LINE_PARSERS[format](line)
    if (typeof m === 'string') throw parseError(`${source}:${i + 1}: cannot parse line as ${FORMAT_NAMES[format]}`, line, [m])
    m.seq = mounts.length
    m.line = i + 1
    mounts.push(m)
  }
  format ??= 'bsd-mount'
  if (format === 'mountinfo') {
    // the line parser left the raw parent id in `parent`
    const res = resolveIdParents(
      mounts.map((m) => m.id),
      mounts.map((m) => m.parent ?? -1),
    )
    if (!res.ok) {
      const n = mounts[res.index].line
      throw parseError(`${source}:${n}: ${res.reason} in ${FORMAT_NAMES[format]}`, trimLine(text.split('\n')[n - 1]), [])
    }
    for (const m of mounts) m.parent = res.parents[m.seq]
  } else {
    const parents = derivePathParents(mounts.map((m) => m.target))
    for (const m of mounts) {
      m.id = m.seq
      m.parent = parents[m.seq]
    }
  }
  return {format, mounts}
}

function parseError(prefix: string, text: string, suggestions: string[]): MountTableError {
  const shown = text.length > 120 ? text.slice(0, 117) + '...' : text
  return new MountTableError('MOUNTTABLE_PARSE', `${prefix}: ${JSON.stringify(shown)}`, {suggestions})
}
