import {existsSync, lstatSync, readdirSync, readFileSync, readlinkSync} from 'node:fs'
import {chmod, copyFile, mkdir, readFile, symlink, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {PlatformName} from '../config/types.js'
import {describeIoError, HostIoError, ioHints} from '../errors.js'
import {runCommand} from './exec.js'
import {pathExists} from './host-facts.js'
import {type TarEntry, type TarKind, type TarPart, tarArchive} from './tar.js'

/** Marker C dsynth writes next to a complete Template (`BuildBase/.template.good`). */
export const TEMPLATE_MARKER = '.template.good'

/** Linux device nodes of a slot's tmpfs /dev: name, major, minor (never the host's devtmpfs). */
export const LINUX_DEV_NODES: ReadonlyArray<[string, number, number]> = [
  ['null', 1, 3], ['zero', 1, 5], ['full', 1, 7], ['random', 1, 8], ['urandom', 1, 9], ['tty', 5, 0],
]

/** The files and directories a minimal Template must have; used by doctor to call one incomplete. */
export function templateEntries(platform: PlatformName): string[] {
  const common = ['etc/passwd', 'etc/group', 'etc/hosts', 'tmp', 'var/tmp', 'var/run', 'var/db', 'root']
  return platform === 'linux' ? [...common, ...LINUX_DEV_NODES.map(([n]) => `dev/${n}`)] : common
}

/**
 * Creates a minimal Template when `<buildBase>/Template` has no `.template.good` marker: /etc basics,
 * /tmp and /var/tmp 1777, /var/run, /root, and on Linux /dev nodes, enough for `sh`, `make` and `cc` in
 * a chroot. An existing Template with its marker (C dsynth's own) is used as it is. Returns true when created.
 */
export async function ensureTemplate(buildBase: string, platform: PlatformName): Promise<boolean> {
  const dir = path.join(buildBase, 'Template')
  const marker = path.join(buildBase, TEMPLATE_MARKER)
  if (await pathExists(marker) && await pathExists(dir)) return false
  try {
    await writeTemplate(dir, marker, platform)
  } catch (e) {
    throw new HostIoError('TEMPLATE_IO', `cannot create the Template ${dir}: ${describeIoError(e)}`, {cause: e, suggestions: ioHints(e)})
  }
  return true
}

/** Writes the minimal Template into `dir`, and its marker last (an interrupted write is redone next time). */
async function writeTemplate(dir: string, marker: string, platform: PlatformName): Promise<void> {
  for (const d of ['etc', 'tmp', 'var/tmp', 'var/run', 'var/db', 'var/cache', 'root', 'dev', 'usr']) {
    await mkdir(path.join(dir, d), {recursive: true})
  }
  await chmod(path.join(dir, 'tmp'), 0o1777)
  await chmod(path.join(dir, 'var/tmp'), 0o1777)
  await writeFile(path.join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n')
  await writeFile(path.join(dir, 'etc/group'), 'root:x:0:\nwheel:x:0:root\nnogroup:x:65534:\n')
  await writeFile(path.join(dir, 'etc/hosts'), '127.0.0.1\tlocalhost\n::1\tlocalhost\n')
  try {
    await copyFile('/etc/resolv.conf', path.join(dir, 'etc/resolv.conf'))
  } catch { /* offline host: builds that fetch will say so */ }
  if (platform === 'linux') {
    for (const [name, major, minor] of LINUX_DEV_NODES) {
      const node = path.join(dir, 'dev', name)
      if (await pathExists(node)) continue
      const r = await runCommand(['mknod', '-m', '666', node, 'c', String(major), String(minor)])
      // the marker below promises a complete Template: a node that was not made (mknod failed or was killed) stops here
      if (r.exitCode !== 0) throw new Error(`mknod ${node} failed: ${r.stderr.trim() || (r.signal ?? `exit ${r.exitCode}`)}`)
    }
    for (const [name, to] of [['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2']]) {
      if (!(await pathExists(path.join(dir, 'dev', name)))) await symlink(to, path.join(dir, 'dev', name)).catch(() => undefined)
    }
  }
  await writeFile(marker, `created by dsynth ${new Date().toISOString()}\n`)
}

/** The kind of a file from its st_mode (S_IFMT bits), or null for what is not copied (sockets). */
function kindOf(mode: number): TarKind | null {
  switch (mode & 0o170000) {
    case 0o040000: return 'dir'
    case 0o100000: return 'file'
    case 0o120000: return 'symlink'
    case 0o020000: return 'char'
    case 0o060000: return 'block'
    case 0o010000: return 'fifo'
    default: return null
  }
}

/**
 * Reads the Template tree (never following symlinks) into archive entries, parents before children, without file
 * contents (loadTemplateData reads them when they are needed); the root is the entry with path `''`. Device nodes
 * are kept on Linux (its slots' /dev is a tmpfs filled from the Template) and left out on the BSDs (devfs has them).
 * Synchronous calls: a Template is a few dozen entries, and a thread-pool round trip for each one (lstat, readdir,
 * readlink in turn) was ~4 ms of every apply, also of one with nothing to do.
 */
export async function readTemplateTree(dir: string, platform: PlatformName): Promise<TarEntry[]> {
  const out: TarEntry[] = []
  const walk = (rel: string): void => {
    const abs = rel === '' ? dir : path.join(dir, rel)
    const st = lstatSync(abs, {bigint: true})
    const kind = kindOf(Number(st.mode))
    if (kind === null || ((kind === 'char' || kind === 'block') && platform !== 'linux')) return
    const e: TarEntry = {path: rel, kind, mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid),
      mtime: Number(st.mtimeMs / 1000n)}
    if (kind === 'symlink') e.link = readlinkSync(abs)
    if (kind === 'char' || kind === 'block') {
      // Linux's encoding of dev_t
      e.devMajor = Number(((st.rdev >> 8n) & 0xfffn) | ((st.rdev >> 32n) & ~0xfffn))
      e.devMinor = Number((st.rdev & 0xffn) | ((st.rdev >> 12n) & ~0xffn))
    }
    out.push(e)
    if (kind === 'dir') for (const name of readdirSync(abs).sort()) walk(rel === '' ? name : `${rel}/${name}`)
  }
  walk('')
  return out
}

/** Reads the contents of the regular files of `entries` that have none yet (in place; a few small files, read synchronously). */
export async function loadTemplateData(dir: string, entries: TarEntry[]): Promise<void> {
  for (const e of entries) if (e.kind === 'file' && e.data === undefined) e.data = readFileSync(path.join(dir, e.path))
}

/**
 * argv and stdin that write parts of the Template into slot roots with one `tar -x`: an archive made in memory holds
 * each slot's part under the slot's name and is extracted in the build base. tar unlinks what it finds at a
 * destination before it creates the file there (a symlink left in a slot is replaced, never written through) and
 * keeps modes, owners (numerically), times and device nodes, as `cp -a` does. GNU tar and BSD tar take these flags.
 */
export function templateArchiveInput(buildBase: string, parts: TarPart[]): {argv: string[]; input: Uint8Array} {
  return {argv: ['tar', '-x', '-p', '--numeric-owner', '-f', '-', '-C', buildBase], input: tarArchive(parts)}
}

/** Reads the Template marker (for doctor); null when missing. */
export async function readTemplateMarker(buildBase: string): Promise<string | null> {
  try {
    return await readFile(path.join(buildBase, TEMPLATE_MARKER), 'utf8')
  } catch {
    return null
  }
}

/** Written into a slot root once the Template has been copied in: a root mounted without it is not populated yet. */
export const SLOT_MARKER = '.dsynth-slot'

/** True when the Template was copied into this (mounted) slot root (synchronous: one stat, asked for every slot). */
export function slotPopulated(slotDir: string): boolean {
  return existsSync(path.join(slotDir, SLOT_MARKER))
}

/** The populated marker as an archive entry (written by the same `tar -x` as the Template, after it). */
export function slotMarkerEntry(): TarEntry {
  return {path: SLOT_MARKER, kind: 'file', mode: 0o644, uid: 0, gid: 0, mtime: Math.floor(Date.now() / 1000),
    data: new TextEncoder().encode(`populated by dsynth ${new Date().toISOString()}\n`)}
}

/** Marks a slot root as populated. */
export async function markSlotPopulated(slotDir: string): Promise<void> {
  await writeFile(path.join(slotDir, SLOT_MARKER), `populated by dsynth ${new Date().toISOString()}\n`)
}
