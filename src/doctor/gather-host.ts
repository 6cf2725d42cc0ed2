import {lstat, readdir, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type {Config, PlatformName} from '../config/types.js'
import {parseSlotName} from '../layout/slots.js'
import type {MountTable} from '../mounttable/types.js'
import {resolvePath} from '../platform/host-facts.js'
import {lockPath, readLock, writerAlive} from '../platform/lock.js'
import {readTemplateMarker, templateEntries} from '../platform/template.js'
import {isAtOrBelow} from '../util/paths.js'
import type {DirectoryFact, LockFact, SlotDirFact, TempFileFact, TemplateFact} from './types.js'

/** How many entries the walk under an unmounted slot directory looks at before it stops. */
export const WALK_LIMIT = 2000

/** Age of a file in milliseconds (0 when it vanished). */
async function ageOf(file: string): Promise<number> {
  try {
    return Math.max(0, Date.now() - (await lstat(file)).mtimeMs)
  } catch {
    return 0
  }
}

/** Every directory dsynth.ini names, with whether it exists (symlinks followed) and where it resolves. */
export async function gatherDirectories(config: Config): Promise<DirectoryFact[]> {
  const d = config.directories
  const list: [string, string | null, boolean][] = [
    ['Directory_packages', d.packages, true], ['Directory_repository', d.repository, false],
    ['Directory_portsdir', d.portsdir, true], ['Directory_options', d.options, true],
    ['Directory_distfiles', d.distfiles, true], ['Directory_buildbase', d.buildbase, false],
    ['Directory_logs', d.logs, false], ['Directory_ccache', d.ccache, true], ['Directory_system', d.system, true],
  ]
  const out: DirectoryFact[] = []
  for (const [key, p, mountSource] of list) {
    if (p === null) continue
    const st = await stat(p).catch(() => null)
    out.push({key, path: p, resolved: await resolvePath(p), mountSource,
      kind: st === null ? 'missing' : st.isDirectory() ? 'directory' : 'not-a-directory'})
  }
  return out
}

/** The lock file: none, held (alive when on this host), or half-written. */
export async function gatherLock(buildBase: string): Promise<LockFact> {
  const file = lockPath(buildBase)
  const held = await readLock(buildBase).catch(() => null)
  if (held === null) return {state: 'none'}
  if ('corrupt' in held) return {state: 'corrupt', path: file, text: held.corrupt, ageMs: await ageOf(file)}
  return {state: 'held', path: file, info: held, alive: held.host && held.host !== os.hostname() ? null : writerAlive(held.pid, Date.parse(held.startedAt))}
}

/** The pid in a temporary file name: `X.1234.tmp` (lock), `X.tmp-1234` (plan). */
function pidInName(name: string): number | null {
  const m = /\.(\d+)\.tmp$/.exec(name) ?? /\.tmp-(\d+)$/.exec(name)
  return m ? Number(m[1]) : null
}

/**
 * Temporary files a crashed dsynth may leave: `.dsynth-*` files with `.tmp` or `.break` in the build base, and
 * `FILE.tmp-PID` next to each saved plan given.
 */
export async function gatherTempFiles(buildBase: string, planFiles: readonly string[]): Promise<TempFileFact[]> {
  const found: string[] = []
  const list = async (dir: string, keep: (name: string) => boolean) => {
    for (const name of await readdir(dir).catch(() => [] as string[])) if (keep(name)) found.push(path.join(dir, name))
  }
  await list(buildBase, (n) => n.startsWith('.dsynth-') && (/\.tmp/.test(n) || n.endsWith('.break')))
  for (const f of planFiles) {
    const base = path.basename(f)
    await list(path.dirname(path.resolve(f)), (n) => n.startsWith(`${base}.tmp-`))
  }
  const out: TempFileFact[] = []
  for (const p of [...new Set(found)].sort()) {
    const pid = pidInName(path.basename(p))
    const ageMs = await ageOf(p)
    // written by that pid when the file was last changed: a process started after that is another one
    out.push({path: p, pid, alive: pid !== null && writerAlive(pid, Date.now() - ageMs), ageMs})
  }
  return out
}

/**
 * The `SLnn` entries of the build base. Under one whose root is not mounted, counts what lies on the host
 * filesystem (bounded walk that never follows symlinks nor enters another filesystem or a mount point).
 */
export async function gatherSlotDirs(buildBase: string, table: MountTable): Promise<SlotDirFact[]> {
  let names: string[]
  try { names = await readdir(buildBase) } catch { return [] }
  const targets = new Set(table.mounts.map((m) => m.target))
  const out: SlotDirFact[] = []
  for (const name of names.filter((n) => parseSlotName(n) !== null).sort((a, b) => parseSlotName(a)! - parseSlotName(b)!)) {
    const dir = `${buildBase}/${name}`
    const st = await lstat(dir).catch(() => null)
    if (st === null) continue
    const fact: SlotDirFact = {name, path: dir, kind: st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : 'other',
      mounted: table.mounts.some((m) => isAtOrBelow(m.target, dir)), rootMounted: targets.has(dir),
      files: 0, dirs: 0, sample: [], truncated: false}
    if (fact.kind === 'directory' && !fact.rootMounted) await walk(dir, st.dev, targets, fact)
    out.push(fact)
  }
  return out
}

/** Counts files and directories below `dir` on device `dev`, skipping mount points; fills the first samples. */
async function walk(dir: string, dev: number, targets: ReadonlySet<string>, fact: SlotDirFact): Promise<void> {
  const stack = [dir]
  let seen = 0
  while (stack.length > 0) {
    const d = stack.pop()!
    for (const name of (await readdir(d).catch(() => [] as string[])).sort()) {
      if (++seen > WALK_LIMIT) { fact.truncated = true; return }
      const p = `${d}/${name}`
      if (targets.has(p)) continue
      const st = await lstat(p).catch(() => null)
      if (st === null) continue
      if (st.isDirectory() && st.dev === dev) {
        fact.dirs++
        stack.push(p)
      } else if (!st.isDirectory()) {
        fact.files++
        if (fact.sample.length < 5) fact.sample.push(p.slice(dir.length + 1))
      }
    }
  }
  // with no file, name a few of the directories instead
  if (fact.files === 0 && fact.dirs > 0) {
    for (const name of (await readdir(dir).catch(() => [] as string[])).sort().slice(0, 5)) fact.sample.push(name + '/')
  }
}

/** `<build base>/Template`: there, marked good, and which of the minimal entries are missing. */
export async function gatherTemplate(buildBase: string, platform: PlatformName): Promise<TemplateFact> {
  const dir = path.join(buildBase, 'Template')
  const st = await lstat(dir).catch(() => null)
  const isDir = st?.isDirectory() === true
  const missing: string[] = []
  if (isDir) for (const e of templateEntries(platform)) if ((await lstat(path.join(dir, e)).catch(() => null)) === null) missing.push(e)
  return {path: dir, dir: isDir, marker: (await readTemplateMarker(buildBase)) !== null, missing}
}
