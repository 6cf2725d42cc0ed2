/** Characters that end or split a whitespace-separated field (mountinfo, `mount -p`): ASCII controls, space, backslash, DEL. */
export const FIELD_UNSAFE = /[\u0000-\u0020\\\u007f]/g

/** Characters a BSD `mount` path cannot hold raw: ASCII controls (newline ends the line), backslash, DEL. Spaces are kept. */
export const PATH_UNSAFE = /[\u0000-\u001f\\\u007f]/g

const OCTAL_RUN = /(?:\\[0-3][0-7]{2})+/g
const utf8 = new TextDecoder('utf-8', {fatal: true})

/**
 * Decodes octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash) as the kernel and fstab write them.
 * A run of escapes is a byte sequence: decoded as UTF-8 when valid, else byte by byte; other backslashes stay literal.
 */
export function decodeOctal(s: string): string {
  if (!s.includes('\\')) return s
  return s.replace(OCTAL_RUN, (run) => {
    const bytes = new Uint8Array(run.length / 4)
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 4 + 1, i * 4 + 4), 8)
    if (bytes.every((b) => b < 0x80)) return bytesToLatin1(bytes)
    try {
      return utf8.decode(bytes)
    } catch {
      return bytesToLatin1(bytes)
    }
  })
}

function bytesToLatin1(bytes: Uint8Array): string {
  let out = ''
  // chunked: spreading a huge array into fromCharCode overflows the stack
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096))
  return out
}

/** Encodes every character matched by `unsafe` (a global regex) as a three-digit octal escape; inverse of decodeOctal. */
export function encodeOctal(s: string, unsafe: RegExp = FIELD_UNSAFE): string {
  return s.replace(unsafe, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'))
}
