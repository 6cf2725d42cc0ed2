import {createHash} from 'node:crypto'
import {readdir, readFile, lstat, readlink} from 'node:fs/promises'
import path from 'node:path'

/**
 * Checks a trial runs after every fault: the mounts outside the slots, the bytes of every file in the
 * source trees (packages, distfiles, options, ports), and what the build base holds besides the slots.
 */

/** Decodes the octal escapes mountinfo uses for space, tab, newline and backslash. */
function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
}

/** True when `target` is `<base>/SLnn` or below it (whole path components). */
export function inSlots(target: string, base: string): boolean {
  if (!target.startsWith(base + '/')) return false
  const name = target.slice(base.length + 1).split('/')[0]
  return /^SL\d{2,}$/.test(name)
}

/** Every line of this namespace's mountinfo whose mount point is not inside a slot, as a sorted list. */
export async function mountsOutsideSlots(base: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8')
  return text.split('\n').filter((l) => l !== '' && !inSlots(unescapeMountinfo(l.split(' ')[4] ?? ''), base)).sort()
}

/** The number of mounts inside the slots of `base`. */
export async function slotMountCount(base: string): Promise<number> {
  const text = await readFile('/proc/self/mountinfo', 'utf8')
  return text.split('\n').filter((l) => l !== '' && inSlots(unescapeMountinfo(l.split(' ')[4] ?? ''), base)).length
}

/** The mount points inside the slots of `base`, in table order (oldest first), without repeats. */
export async function slotTargets(base: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8')
  const seen = new Set<string>()
  for (const l of text.split('\n')) {
    const t = unescapeMountinfo(l.split(' ')[4] ?? '')
    if (l !== '' && inSlots(t, base)) seen.add(t)
  }
  return [...seen]
}

/** path → `type mode size sha256` (or the link text) for every entry below each root; never follows symlinks. */
export async function snapshotTrees(roots: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p)
    const mode = (st.mode & 0o7777).toString(8)
    if (st.isSymbolicLink()) out.set(p, `link ${await readlink(p)}`)
    else if (st.isDirectory()) {
      out.set(p, `dir ${mode}`)
      for (const name of (await readdir(p)).sort()) await walk(path.join(p, name))
    } else out.set(p, `file ${mode} ${st.size} ${createHash('sha256').update(await readFile(p)).digest('hex')}`)
  }
  for (const r of roots) await walk(r)
  return out
}

/** Human differences between two snapshots (at most `limit`), empty when identical. */
export function diffSnapshots(before: Map<string, string>, after: Map<string, string>, limit = 5): string[] {
  const out: string[] = []
  for (const [p, v] of before) if (after.get(p) !== v) out.push(`${p}: ${v} -> ${after.get(p) ?? 'gone'}`)
  for (const [p, v] of after) if (!before.has(p)) out.push(`${p}: new ${v}`)
  return out.slice(0, limit)
}

/** Lines in `a` and not in `b` and the reverse, as `+line` / `-line`. */
export function diffLines(before: readonly string[], after: readonly string[]): string[] {
  const was = new Set(before)
  const now = new Set(after)
  return [...after.filter((l) => !was.has(l)).map((l) => `+${l}`), ...before.filter((l) => !now.has(l)).map((l) => `-${l}`)]
}

/** Adds files with awkward names, modes and a symlink to each source tree, so the byte check covers more than one file. */
export async function seedSourceTrees(roots: readonly string[]): Promise<void> {
  const {mkdir, writeFile, symlink, chmod} = await import('node:fs/promises')
  for (const r of roots) {
    await mkdir(path.join(r, 'sub dir', 'deep'), {recursive: true})
    await writeFile(path.join(r, 'sub dir', 'deep', 'file with spaces.txt'), `precious ${r}\n`.repeat(100))
    await writeFile(path.join(r, 'binary.bin'), Buffer.from(Array.from({length: 4096}, (_, i) => (i * 37) & 255)))
    await writeFile(path.join(r, 'readonly'), 'ro\n')
    await chmod(path.join(r, 'readonly'), 0o444)
    await symlink('CANARY', path.join(r, 'canary-link')).catch(() => undefined)
  }
}
