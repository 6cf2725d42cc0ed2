import {existsSync, lstatSync} from 'node:fs'
import type {DesiredState, MountSpec, SlotSpec} from '../layout/types.js'
import type {MountTable} from '../mounttable/types.js'
import type {TarEntry} from '../platform/tar.js'
import {loadTemplateData, readTemplateTree, slotMarkerEntry, slotPopulated, templateArchiveInput} from '../platform/template.js'
import type {Platform} from '../platform/types.js'
import {joinSlot} from '../util/paths.js'

/**
 * The Template entries of one slot grouped by the layout mount they land on (the deepest mount path at or above
 * them), for the tmpfs mounts only: the Template is never written into a bind or null mount (the packages,
 * distfiles or options of the host, or a read-only system directory), nor into devfs or procfs. Pure.
 */
export function templateByMount(entries: readonly TarEntry[], spec: SlotSpec): Map<string, TarEntry[]> {
  // deepest first, so the first match is the landing mount
  const mounts = [...spec.mounts].sort((a, b) => b.path.length - a.path.length)
  const landing = (rel: string): MountSpec => {
    const p = '/' + rel
    return mounts.find((m) => m.path === '/' || p === m.path || p.startsWith(m.path + '/'))!
  }
  const out = new Map<string, TarEntry[]>()
  for (const e of entries) {
    const m = landing(e.path)
    if (m.fstype !== 'tmpfs') continue
    const list = out.get(m.path)
    if (list) list.push(e); else out.set(m.path, [e])
  }
  return out
}

/** One slot and the tmpfs mounts of it that need their part of the Template. */
export interface PopulateNeed {
  slot: SlotSpec
  /** Mount paths (`/`, `/dev`, `/usr/local`...) whose Template entries are missing. */
  mounts: string[]
}

/**
 * Which mounted tmpfs filesystems of the slots lack their part of the Template: a slot root without the populated
 * marker (freshly mounted, or mounted by an interrupted run), and any other tmpfs of the layout whose last Template
 * entry is missing (a /dev or /usr/local mounted again on its own). Only mounts present in the live table count.
 */
export async function populateNeeds(desired: DesiredState, table: MountTable, entries: readonly TarEntry[] | null,
  filter: string[] | null): Promise<PopulateNeed[]> {
  const mounted = new Set(table.mounts.map((m) => m.target))
  // synchronous stats: a few per slot, asked on every apply; through the thread pool they cost ~4 ms for 16 slots
  const exists = (p: string) => lstatSync(p, {throwIfNoEntry: false}) !== undefined
  // every slot has the same layout, so the Template splits the same way over each: group it once
  const groups = entries === null || desired.slots.length === 0 ? null : templateByMount(entries, desired.slots[0])
  const needs: PopulateNeed[] = []
  for (const s of desired.slots) {
    if ((filter !== null && !filter.includes(s.name)) || !mounted.has(s.dir)) continue
    // a root listed in the table but absent from this filesystem view (a captured or simulated table) has nothing to fill
    if (!existsSync(s.dir)) continue
    if (!slotPopulated(s.dir)) {
      needs.push({slot: s, mounts: s.mounts.filter((m) => m.fstype === 'tmpfs' && mounted.has(m.target)).map((m) => m.path)})
      continue
    }
    if (groups === null) continue
    const missing: string[] = []
    for (const [path, group] of groups) {
      const last = group[group.length - 1]
      if (path === '/' || !mounted.has(joinSlot(s.dir, path)) || `/${last.path}` === path) continue
      if (!exists(joinSlot(s.dir, '/' + last.path))) missing.push(path)
    }
    if (missing.length > 0) needs.push({slot: s, mounts: missing})
  }
  return needs
}

/** The Template tree, or null when there is none yet (nothing beyond slot roots can be checked then). */
export async function templateTree(buildBase: string, platform: DesiredState['platform']): Promise<TarEntry[] | null> {
  return readTemplateTree(`${buildBase}/Template`, platform).catch(() => null)
}

/**
 * Writes each need's part of the Template with one `tar -x` for all slots (a slot root's part ends with its populated
 * marker); when that fails, once more per slot for
 * each slot's own message. Resolves with null per slot directory written, or the error.
 */
export async function extractTemplate(platform: Platform, buildBase: string, entries: TarEntry[], needs: PopulateNeed[]):
  Promise<Map<string, string | null>> {
  const result = new Map<string, string | null>()
  if (needs.length === 0) return result
  await loadTemplateData(`${buildBase}/Template`, entries)
  const marker = slotMarkerEntry()
  // every slot has the same layout, so the Template splits the same way over each: group it once
  const groups = templateByMount(entries, needs[0].slot)
  const parts = needs.map((n) => {
    // a root part ends with the populated marker: tar writes it last, so a slot that has it has all of its part
    const part = n.mounts.flatMap((m) => groups.get(m) ?? [])
    return {prefix: n.slot.name, entries: n.mounts.includes('/') ? [...part, marker] : part}
  })
  const all = templateArchiveInput(buildBase, parts)
  const r = await platform.run(all.argv, {input: all.input})
  if (r.exitCode === 0) {
    for (const n of needs) result.set(n.slot.dir, null)
    return result
  }
  await Promise.all(needs.map(async (n, i) => {
    const one = templateArchiveInput(buildBase, [parts[i]])
    const r1 = await platform.run(one.argv, {input: one.input})
    result.set(n.slot.dir, r1.exitCode === 0 ? null : (r1.stderr.trim() || `exit ${r1.exitCode}`))
  }))
  return result
}
