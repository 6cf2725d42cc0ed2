import type {Config, PlatformName} from '../config/types.js'

/** One row of a platform's slot layout, before it is placed in a slot. */
export interface LayoutRow {
  /** Path inside the slot (`/` = slot root). */
  path: string
  /** Filesystem type as the mount command takes it. */
  fstype: string
  /** Source directory (null/bind) or tag (tmpfs, devfs...). */
  source: string
  /** Options, `ro` or `rw` first. */
  options: string[]
}

/** Facts about the host the layout depends on; probed on the live host, defaults with --mounts. */
export interface LayoutFacts {
  /** `<Directory_system>/usr/src/sys/Makefile` exists: /usr/src is mounted (BSD). */
  hasUsrSrc: boolean
}

/** The system directories of C dsynth's layout (BSD), each a read-only null mount of `$/dir`. */
const BSD_SYSTEM = ['/bin', '/sbin', '/lib', '/libexec', '/usr/bin', '/usr/include', '/usr/lib', '/usr/libdata',
  '/usr/libexec', '/usr/sbin', '/usr/share', '/usr/games']

/**
 * Linux system binds for a Debian-style merged-/usr host. `/bin`, `/sbin`, `/lib`, `/lib64` are bound from the
 * host paths, which follow the merged-/usr symlinks, so the same rows work on split and merged systems;
 * `/etc/alternatives` makes `cc` resolve. BSD-only `/libexec` and `/usr/libdata` have no Linux counterpart.
 */
const LINUX_SYSTEM = ['/bin', '/sbin', '/lib', '/lib64', '/usr/bin', '/usr/include', '/usr/lib', '/usr/libexec',
  '/usr/sbin', '/usr/share', '/usr/games', '/etc/alternatives']

/** Prefixes `dir` with Directory_system (`$/dir` in C dsynth). */
function sys(system: string, dir: string): string {
  return system === '/' ? dir : system + dir
}

/** The ordered mount layout of one slot for a platform: parents before children, C dsynth's order. */
export function layoutRows(platform: PlatformName, config: Config, facts: LayoutFacts): LayoutRow[] {
  const d = config.directories
  const linux = platform === 'linux'
  const nullfs = platform === 'dragonfly' ? 'null' : platform === 'freebsd' ? 'nullfs' : 'bind'
  const tmpfs = (path: string, size: string, extra: string[] = []): LayoutRow =>
    ({path, fstype: 'tmpfs', source: linux ? 'dsynth' : 'tmpfs', options: ['rw', `size=${size}`, ...extra]})
  const bind = (path: string, source: string, ro: boolean): LayoutRow =>
    ({path, fstype: nullfs, source, options: [ro ? 'ro' : 'rw']})
  const rows: LayoutRow[] = [
    tmpfs('/', '16g'),
    tmpfs('/boot', '16g'),
    linux
      ? {path: '/dev', fstype: 'tmpfs', source: 'dsynth-dev', options: ['rw', 'size=1m', 'mode=755']}
      : {path: '/dev', fstype: 'devfs', source: 'devfs', options: ['rw']},
    linux
      ? {path: '/proc', fstype: 'proc', source: 'proc', options: ['ro', 'nosuid', 'nodev', 'noexec']}
      : {path: '/proc', fstype: 'procfs', source: 'procfs', options: ['ro']},
    ...(linux ? LINUX_SYSTEM : BSD_SYSTEM).map((dir) => bind(dir, sys(d.system, dir), true)),
  ]
  if (facts.hasUsrSrc) rows.push(bind('/usr/src', sys(d.system, '/usr/src'), true))
  rows.push(
    bind('/xports', d.portsdir, true),
    bind('/options', d.options, false),
    bind('/packages', d.packages, false),
    bind('/distfiles', d.distfiles, false),
    tmpfs('/construction', '64g'),
    tmpfs('/usr/local', '16g'),
  )
  if (d.ccache !== null) rows.push(bind('/ccache', d.ccache, false))
  return rows
}
