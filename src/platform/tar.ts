/**
 * A minimal POSIX tar (ustar, with pax headers for long names) writer: what one `tar -x` needs to copy the Template
 * into many slot roots at once. Pure: entries in, bytes out.
 */

/** The kinds of file a Template may hold (sockets are not copied, as `cp -a` of a socket makes no sense in a slot). */
export type TarKind = 'dir' | 'file' | 'symlink' | 'char' | 'block' | 'fifo'

/** One file of the archive, relative to where it is extracted. */
export interface TarEntry {
  /** Path relative to the extraction directory, without a trailing slash; never absolute, never with `..`. */
  path: string
  kind: TarKind
  /** Permission bits including setuid/setgid/sticky (the low 12 bits of st_mode). */
  mode: number
  uid: number
  gid: number
  /** Modification time, seconds since the epoch. */
  mtime: number
  /** Contents of a regular file. */
  data?: Uint8Array
  /** Target of a symlink. */
  link?: string
  /** Device numbers of a char or block device. */
  devMajor?: number
  devMinor?: number
}

const BLOCK = 512
const TYPE_FLAG: Record<TarKind, string> = {file: '0', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6'}
const utf8 = new TextEncoder()

/** The UTF-8 bytes of `s`: ASCII (numbers, most names) copied directly, which is several times faster than TextEncoder. */
function bytesOf(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 0x7f) return utf8.encode(s)
    out[i] = c
  }
  return out
}

/** Writes `value` as a NUL-terminated octal number filling `width` bytes at `at`. */
function putOctal(header: Uint8Array, at: number, width: number, value: number): void {
  const digits = Math.max(0, Math.floor(value)).toString(8).padStart(width - 1, '0')
  if (digits.length > width - 1) throw new RangeError(`tar: ${value} does not fit in ${width - 1} octal digits`)
  header.set(bytesOf(digits), at)
  header[at + width - 1] = 0
}

/** Writes a string field (bytes), truncated to `width`. */
function putString(header: Uint8Array, at: number, width: number, value: string | Uint8Array): void {
  const bytes = typeof value === 'string' ? bytesOf(value) : value
  header.set(bytes.subarray(0, width), at)
}

/** What a header's fields hold. */
interface HeaderFields {
  mode: number
  uid: number
  gid: number
  mtime: number
  size: number
  link?: Uint8Array
  devMajor?: number
  devMinor?: number
}

/**
 * A 512-byte header block without its checksum, and the checksum of everything in it (the checksum field counted as
 * spaces): writing a name into the block adds its bytes to the sum.
 */
function headerBlock(name: Uint8Array, type: string, e: HeaderFields): {block: Uint8Array; sum: number} {
  const h = new Uint8Array(BLOCK)
  putString(h, 0, 100, name)
  putOctal(h, 100, 8, e.mode & 0o7777)
  putOctal(h, 108, 8, e.uid)
  putOctal(h, 116, 8, e.gid)
  putOctal(h, 124, 12, e.size)
  putOctal(h, 136, 12, e.mtime)
  h.fill(0x20, 148, 156)
  h[156] = type.charCodeAt(0)
  if (e.link) putString(h, 157, 100, e.link)
  putString(h, 257, 6, 'ustar\0')
  putString(h, 263, 2, '00')
  putOctal(h, 329, 8, e.devMajor ?? 0)
  putOctal(h, 337, 8, e.devMinor ?? 0)
  let sum = 0
  for (const b of h) sum += b
  return {block: h, sum}
}

/** Writes the checksum field of the header block starting at `at`: six octal digits, NUL, space. */
function putChecksum(buf: Uint8Array, sum: number, at = 0): void {
  const digits = sum.toString(8).padStart(6, '0')
  for (let i = 0; i < 6; i++) buf[at + 148 + i] = digits.charCodeAt(i)
  buf[at + 154] = 0
  buf[at + 155] = 0x20
}

/** One complete 512-byte header block. */
function header(name: Uint8Array, type: string, e: HeaderFields): Uint8Array {
  const {block, sum} = headerBlock(name, type, e)
  putChecksum(block, sum)
  return block
}

/** A pax record `"<len> <key>=<value>\n"`, where len counts the whole record. */
function paxRecord(key: string, value: Uint8Array): Uint8Array {
  const body = utf8.encode(` ${key}=`)
  const rest = body.length + value.length + 1
  let len = rest + 1
  while (len !== rest + String(len).length) len = rest + String(len).length
  const out = new Uint8Array(len)
  out.set(utf8.encode(String(len)), 0)
  out.set(body, String(len).length)
  out.set(value, String(len).length + body.length)
  out[len - 1] = 0x0a
  return out
}

/** Data padded with zeros to whole blocks. */
function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK)
  out.set(data)
  return out
}

/** The blocks of one entry: a pax header first when the name or link target does not fit ustar's 100 bytes. */
function entryBlocks(e: TarEntry): Uint8Array[] {
  const name = utf8.encode(e.kind === 'dir' ? `${e.path}/` : e.path)
  const link = e.link === undefined ? undefined : utf8.encode(e.link)
  const blocks: Uint8Array[] = []
  const records: Uint8Array[] = []
  if (name.length > 100) records.push(paxRecord('path', name))
  if (link !== undefined && link.length > 100) records.push(paxRecord('linkpath', link))
  if (records.length > 0) {
    const size = records.reduce((n, r) => n + r.length, 0)
    const body = new Uint8Array(size)
    let at = 0
    for (const r of records) { body.set(r, at); at += r.length }
    blocks.push(header(utf8.encode('PaxHeader'), 'x', {mode: 0o644, uid: 0, gid: 0, mtime: e.mtime, size}), padded(body))
  }
  const data = e.kind === 'file' ? e.data ?? new Uint8Array(0) : new Uint8Array(0)
  blocks.push(header(name, TYPE_FLAG[e.kind], {mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, size: data.length, link,
    devMajor: e.devMajor, devMinor: e.devMinor}))
  if (data.length > 0) blocks.push(padded(data))
  return blocks
}

/** Entries to write under one directory of the extraction directory (a slot's name). */
export interface TarPart {
  prefix: string
  entries: readonly TarEntry[]
}

/** An entry encoded once without a name, for the parts that share it: its header, the header's sum, its data blocks. */
interface Encoded {
  block: Uint8Array
  sum: number
  data: Uint8Array | null
}

/** True when `s` can be a ustar name as it is: at most 100 characters, all ASCII (one byte each). */
function plainName(s: string): boolean {
  if (s.length > 100) return false
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

/**
 * An archive holding each part's entries under its prefix (`SL00/...`), in order; an entry with path `''` is the
 * prefix directory itself. Ends with two zero blocks. An entry object given to several parts (the same Template for
 * every slot) is encoded once; each part copies its header into the archive and writes its own name and checksum in.
 */
export function tarArchive(parts: readonly TarPart[]): Uint8Array {
  // first the pieces and the size, then one buffer written in place
  const items: Array<{enc: Encoded; name: string} | {blocks: Uint8Array[]}> = []
  const encoded = new Map<TarEntry, Encoded>()
  const noName = new Uint8Array(0)
  let size = BLOCK * 2
  for (const {prefix, entries} of parts) {
    for (const e of entries) {
      const path = e.path === '' ? prefix : `${prefix}/${e.path}`
      const name = e.kind === 'dir' ? `${path}/` : path
      if (!plainName(name) || (e.link !== undefined && bytesOf(e.link).length > 100)) {
        const blocks = entryBlocks({...e, path})
        items.push({blocks})
        for (const b of blocks) size += b.length
        continue
      }
      let enc = encoded.get(e)
      if (enc === undefined) {
        const data = e.kind === 'file' ? e.data ?? new Uint8Array(0) : new Uint8Array(0)
        const {block, sum} = headerBlock(noName, TYPE_FLAG[e.kind], {mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime,
          size: data.length, link: e.link === undefined ? undefined : utf8.encode(e.link), devMajor: e.devMajor, devMinor: e.devMinor})
        encoded.set(e, enc = {block, sum, data: data.length > 0 ? padded(data) : null})
      }
      items.push({enc, name})
      size += BLOCK + (enc.data?.length ?? 0)
    }
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const item of items) {
    if ('blocks' in item) {
      for (const b of item.blocks) { out.set(b, at); at += b.length }
      continue
    }
    const {enc, name} = item
    out.set(enc.block, at)
    let sum = enc.sum
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i)
      out[at + i] = c
      sum += c
    }
    putChecksum(out, sum, at)
    at += BLOCK
    if (enc.data !== null) { out.set(enc.data, at); at += enc.data.length }
  }
  return out
}
