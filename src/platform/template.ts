import {chmod, copyFile, lstat, mkdir, readdir, readFile, readlink, symlink, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {PlatformName} from '../config/types.js'
import {describeIoError, HostIoError, ioHints} from '../errors.js'
import {runCommand} from './exec.js'
import {pathExists} from './host-facts.js'
import {type TarEntry, type TarKind, tarArchive} from './tar.js'

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
      if (!(await pathExists(node))) await runCommand(['mknod', '-m', '666', node, 'c', String(major), String(minor)])
    }
    for (const [name, to] of [['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2']]) {
      if (!(await pathExists(path.join(dir, 'dev', name)))) await symlink(to, path.join(dir, 'dev', name)).catch(() => undefined)
    }
  }
  await writeFile(marker, `created by dsynth ${new Date().toISOString()}\n`)
}

/** argv that copies the Template into a freshly mounted slot root, like C dsynth's `cp -Rp Template/. SLnn`. */
export function templateCopyArgv(platform: PlatformName, buildBase: string, slotDir: string): string[] {
  const from = path.join(buildBase, 'Template') + '/.'
  return platform === 'linux' ? ['cp', '-a', from, slotDir] : ['cp', '-Rp', from, slotDir]
}

/**
 * argv and stdin that copy the Template into several slot roots with one process: `xargs -0 -n 2 -P N cp -a`, fed
 * NUL-separated (Template, slot) pairs, which xargs passes to cp as arguments, unchanged (no shell is involved).
 */
export function templateCopyManyArgv(platform: PlatformName, buildBase: string, slotDirs: string[]): {argv: string[]; input: string} {
  const [cp, flag, from] = templateCopyArgv(platform, buildBase, '')
  return {argv: ['xargs', '-0', '-n', '2', '-P', String(Math.min(8, slotDirs.length)), cp, flag],
    input: slotDirs.map((d) => `${from}\0${d}\0`).join('')}
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
 * Reads the Template tree (never following symlinks) into archive entries, parents before children; the root is the
 * entry with path `''`. Device numbers are decoded with Linux's encoding (only the Linux driver archives).
 */
export async function readTemplateEntries(dir: string): Promise<TarEntry[]> {
  const out: TarEntry[] = []
  const walk = async (rel: string): Promise<void> => {
    const abs = rel === '' ? dir : path.join(dir, rel)
    const st = await lstat(abs, {bigint: true})
    const kind = kindOf(Number(st.mode))
    if (kind === null) return
    const e: TarEntry = {path: rel, kind, mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid),
      mtime: Number(st.mtimeMs / 1000n)}
    if (kind === 'file') e.data = await readFile(abs)
    if (kind === 'symlink') e.link = await readlink(abs)
    if (kind === 'char' || kind === 'block') {
      e.devMajor = Number(((st.rdev >> 8n) & 0xfffn) | ((st.rdev >> 32n) & ~0xfffn))
      e.devMinor = Number((st.rdev & 0xffn) | ((st.rdev >> 12n) & ~0xffn))
    }
    out.push(e)
    if (kind === 'dir') for (const name of (await readdir(abs)).sort()) await walk(rel === '' ? name : `${rel}/${name}`)
  }
  await walk('')
  return out
}

/**
 * argv and stdin that copy the Template into several slot roots with one `tar -x` (Linux): an archive made in
 * memory holds the Template once per slot, under the slot's name, and is extracted in the build base. tar unlinks
 * what it finds at a destination before it creates the file there (a symlink left in a slot root is replaced, never
 * written through) and keeps modes, owners (numerically), times and device nodes, as `cp -a` does.
 */
export async function templateExtractInput(buildBase: string, slotDirs: string[]): Promise<{argv: string[]; input: Uint8Array}> {
  const entries = await readTemplateEntries(path.join(buildBase, 'Template'))
  const names = slotDirs.map((d) => {
    if (path.dirname(d) !== buildBase) throw new Error(`internal error: ${d} is not directly under ${buildBase}`)
    return path.basename(d)
  })
  return {argv: ['tar', '-x', '-p', '--numeric-owner', '-f', '-', '-C', buildBase], input: tarArchive(entries, names)}
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

/** True when the Template was copied into this (mounted) slot root. */
export function slotPopulated(slotDir: string): Promise<boolean> {
  return pathExists(path.join(slotDir, SLOT_MARKER))
}

/** Marks a slot root as populated. */
export async function markSlotPopulated(slotDir: string): Promise<void> {
  await writeFile(path.join(slotDir, SLOT_MARKER), `populated by dsynth ${new Date().toISOString()}\n`)
}
