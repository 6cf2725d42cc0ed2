import {lstat, readdir, stat} from 'node:fs/promises'
import path from 'node:path'
import type {BuildGraph} from './types.js'

/** Modification time (ms) of the newest file below `dir`, or 0 when there is none. */
export async function newestMtime(dir: string): Promise<number> {
  let newest = 0
  const entries = await readdir(dir, {withFileTypes: true})
  for (const e of entries) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) newest = Math.max(newest, await newestMtime(p))
    else newest = Math.max(newest, (await lstat(p)).mtimeMs)
  }
  return newest
}

/** Modification time (ms) of `file`, or null when it does not exist. */
export async function mtimeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).mtimeMs
  } catch {
    return null
  }
}

/** What `findUpToDate` needs to know about a port, by origin: its package mtime and the newest file of its directory. */
export interface Freshness {
  /** mtime of `<repository>/<pkgfile>`, or null when missing. */
  packageMtime: number | null
  /** mtime of the newest file of `<portsdir>/<portdir>`. */
  portMtime: number
}

/**
 * The nodes that need no build (pure): the package exists and is newer than every file of the port
 * directory, the port is not ignored nor forced, and every dependency is up to date too (a rebuilt
 * dependency means a rebuild, as in C dsynth). A dummy node is up to date when all its flavors are.
 */
export function findUpToDate(graph: BuildGraph, fresh: Record<string, Freshness>, force: ReadonlySet<string> = new Set()): Set<string> {
  const memo = new Map<string, boolean>()
  const check = (id: string): boolean => {
    const known = memo.get(id)
    if (known !== undefined) return known
    const node = graph.nodes[id]
    let ok = !force.has(id) && node.ignore === null
    if (ok && !node.dummy) {
      const f = fresh[id]
      ok = f !== undefined && f.packageMtime !== null && f.packageMtime > f.portMtime
    }
    // Check every dependency even after a miss so each answer is memoised once.
    for (const dep of node.deps) ok = check(dep.origin) && ok
    memo.set(id, ok)
    return ok
  }
  for (const id of Object.keys(graph.nodes)) check(id)
  return new Set([...memo].filter(([, ok]) => ok).map(([id]) => id))
}

/** Reads the freshness of every non-dummy node; port directories are scanned once each. */
export async function readFreshness(graph: BuildGraph, repository: string, portsdir: string): Promise<Record<string, Freshness>> {
  const portMtimes = new Map<string, Promise<number>>()
  const out: Record<string, Freshness> = {}
  await Promise.all(Object.values(graph.nodes).filter((n) => !n.dummy).map(async (n) => {
    let pm = portMtimes.get(n.portdir)
    if (pm === undefined) {
      pm = newestMtime(path.join(portsdir, n.portdir))
      portMtimes.set(n.portdir, pm)
    }
    out[n.origin] = {packageMtime: await mtimeOf(path.join(repository, n.pkgfile!)), portMtime: await pm}
  }))
  return out
}
