import {encodeOctal, FIELD_UNSAFE, PATH_UNSAFE} from './escape.js'
import type {Mount, MountTableFormat} from './types.js'

const FLAG_UNSAFE = /[\u0000-\u001f\\\u007f(),]|^ | $/g
const OPTION_UNSAFE = /[\u0000-\u0020\\\u007f,]/g

/**
 * Renders a mount as one line of the given format, escaping in octal what the format cannot hold raw.
 * Invariant: parseMountTable(formatMountLine(m, f)) gives back m's source, target, fstype, options and readonly
 * (and id, dev, root for mountinfo) whenever source, fstype and options are non-empty and target is absolute.
 * BSD `mount` style: `<from> on <on> (<fstype>[, mounted by X][, read-only], flags..., local)`, like recent DragonFly.
 */
export function formatMountLine(m: Mount, format: MountTableFormat): string {
  switch (format) {
    case 'bsd-mount': {
      return `${encodeOctal(m.source)} on ${encodeOctal(m.target, PATH_UNSAFE)} (${[m.fstype, ...bsdFlags(m)].map(flag).join(', ')})`
    }
    case 'bsd-mount-p': {
      const opts = optionList(m)
      return `${pad(encodeOctal(m.source))}${pad(encodeOctal(m.target))}${encodeOctal(m.fstype)}\t${opts}${opts.length < 8 ? '\t' : ' '}\t0 0`
    }
    case 'mountinfo': {
      const parent = m.parent ?? m.id
      const tail = `${encodeOctal(m.fstype)} ${encodeOctal(m.source)} ${m.readonly ? 'ro' : 'rw'}`
      return `${m.id} ${parent} ${m.dev || '0:0'} ${encodeOctal(m.root || '/')} ${encodeOctal(m.target)} ${optionList(m)} - ${tail}`
    }
  }
}

/** BSD flag words for a mount: `mounted by` first, `read-only` next, `local` last, the rest sorted; `rw` is implied. */
function bsdFlags(m: Mount): string[] {
  const isMountedBy = (o: string) => o.startsWith('mounted-by=') && o.length > 11
  const mountedBy = m.options.filter(isMountedBy).map((o) => 'mounted by ' + o.slice(11))
  const rest = m.options.filter((o) => o !== 'rw' && o !== 'ro' && o !== 'local' && !isMountedBy(o)).sort()
  return [...mountedBy, ...(m.readonly ? ['read-only'] : []), ...rest, ...(m.options.includes('local') ? ['local'] : [])]
}

/** Options as fstab/mountinfo write them: `ro` or `rw` first, then the rest, comma-separated and escaped. */
function optionList(m: Mount): string {
  const rest = m.options.filter((o) => o !== 'rw' && o !== 'ro').sort()
  return [m.readonly ? 'ro' : 'rw', ...rest].map((o) => encodeOctal(o, OPTION_UNSAFE)).join(',')
}

function flag(word: string): string {
  return encodeOctal(word, FLAG_UNSAFE)
}

/** FreeBSD `mount -p` column padding: tabs up to columns 8/16/24, else one space. */
function pad(field: string): string {
  const l = field.length
  return field + (l < 8 ? '\t' : '') + (l < 16 ? '\t' : '') + (l < 24 ? '\t' : ' ')
}
