import type {MountSpec} from '../layout/types.js'
import type {Mount} from '../mounttable/types.js'
import {isAtOrBelow} from '../util/paths.js'

/** How an observed mount differs from the spec at its target, or null when it is the right filesystem. */
export type Mismatch = 'wrong-fstype' | 'wrong-source' | null

/** Where a Linux bind of a directory comes from: the filesystem (major:minor) and the directory inside it. */
interface BindOrigin {
  dev: string
  root: string
}

/**
 * Compares observed mounts with specs. Linux binds show the underlying filesystem (ext4...) and the bound
 * directory as mountinfo's root field, so a bind is identified by (dev, root), worked out from the host mount
 * that contains the source directory; BSD null mounts show their source path directly.
 */
export class SpecMatcher {
  private readonly visible = new Map<string, Mount>()
  private readonly cache = new Map<string, BindOrigin | null>()
  /** Filesystems (major:minor) mounted outside the slots. */
  private readonly hostDevs = new Set<string>()

  /** `hostMounts`: the table's mounts outside the slots, in table order (later ones cover earlier ones). */
  constructor(hostMounts: readonly Mount[]) {
    for (const m of hostMounts) {
      this.visible.set(m.target, m)
      if (m.dev !== '') this.hostDevs.add(m.dev)
    }
  }

  /** Null when `m` is what `spec` asks for (ignoring ro/rw, which is a remount, and size options). */
  compare(m: Mount, spec: MountSpec): Mismatch {
    if (spec.fstype === 'bind') {
      const sources = [spec.source, mergedUsrAlias(spec.source)].filter((s): s is string => s !== null)
      return sources.some((source) => this.isBindOf(m, source)) ? null : 'wrong-source'
    }
    if (m.fstype !== spec.fstype) return 'wrong-fstype'
    // Every tmpfs mount is a filesystem of its own: one that shows a subdirectory or a host filesystem's device is a
    // bind of the host's tmpfs (/run, /dev/shm), and the Template copy or a build's reset would write and delete there.
    if (spec.fstype === 'tmpfs' && m.dev !== '' && (m.root !== '/' || this.hostDevs.has(m.dev))) return 'wrong-source'
    if ((spec.fstype === 'null' || spec.fstype === 'nullfs') && m.source !== spec.source) return 'wrong-source'
    return null
  }

  /** True when the Linux mount `m` is a bind of the directory `source`. */
  private isBindOf(m: Mount, source: string): boolean {
    const origin = this.origin(source)
    return origin === null ? m.root === source : m.dev === origin.dev && m.root === origin.root
  }

  /** The (dev, root) a bind of `source` shows in mountinfo, or null when no host mount contains it. */
  private origin(source: string): BindOrigin | null {
    const hit = this.cache.get(source)
    if (hit !== undefined) return hit
    let dir = source
    let found: BindOrigin | null = null
    for (;;) {
      const host = this.visible.get(dir)
      if (host && isAtOrBelow(source, host.target)) {
        const rest = source.slice(dir === '/' ? 0 : dir.length)
        const root = host.root === '/' ? (rest || '/') : host.root + rest
        found = {dev: host.dev, root}
        break
      }
      if (dir === '/') break
      dir = dir.slice(0, dir.lastIndexOf('/')) || '/'
    }
    this.cache.set(source, found)
    return found
  }
}

/**
 * On a merged-/usr system `/bin` is a symlink to `usr/bin`, and a bind of it shows `/usr/bin` in mountinfo. The live
 * host resolves sources with realpath; a captured table cannot be probed, so `/bin`, `/sbin`, `/lib` and `/lib64`
 * (under Directory_system) also match their `/usr` counterparts.
 */
export function mergedUsrAlias(source: string): string | null {
  const m = /^(.*)\/(bin|sbin|lib|lib64)$/.exec(source)
  if (!m || m[1].endsWith('/usr')) return null
  return `${m[1]}/usr/${m[2]}`
}
