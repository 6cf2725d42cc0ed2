import {populateNeeds, templateTree} from '../apply/populate.js'
import type {Config, PlatformName} from '../config/types.js'
import {isDsynthError} from '../errors.js'
import type {DesiredState} from '../layout/types.js'
import type {MountTable} from '../mounttable/types.js'
import {pathExists, resolvePath} from '../platform/host-facts.js'
import {readLastRun} from '../platform/last-run.js'
import type {Platform} from '../platform/types.js'
import {diffSlots, observedSlots} from '../plan/diff.js'
import {readPlanFile} from '../plan/plan-file.js'
import {preparePlan} from '../plan/prepare.js'
import {gatherDirectories, gatherLock, gatherSlotDirs, gatherTempFiles, gatherTemplate} from './gather-host.js'
import type {DoctorFacts, HostFacts, SavedPlanFact, SlotHolder} from './types.js'

/** What doctor looks at. */
export interface GatherRequest {
  config: Config
  platformName: PlatformName
  platform: Platform
  /** `--mounts FILE|-`: a captured table; then nothing on the host is probed. */
  mountsFile?: string
  /** `--plan FILE` values: saved plans to check. */
  planFiles: string[]
}

/** The distinct mount points of every mounted slot: where a process can keep a slot busy. */
export function holderDirs(table: MountTable, buildBase: string): string[] {
  const dirs = new Set<string>()
  for (const slot of observedSlots(table, buildBase).values()) for (const m of slot.mounts) dirs.add(m.target)
  return [...dirs]
}

/** The slot a path inside the build base belongs to, or null. */
function slotOf(p: string, buildBase: string): string | null {
  const prefix = buildBase === '/' ? '/' : buildBase + '/'
  return p.startsWith(prefix) ? p.slice(prefix.length).split('/')[0] : null
}

/** Processes whose root, cwd, executable or open files lie in a mounted slot, each with its slot. */
export async function findSlotHolders(platform: Platform, table: MountTable, buildBase: string): Promise<SlotHolder[]> {
  const dirs = holderDirs(table, buildBase)
  if (dirs.length === 0) return []
  const mounted = observedSlots(table, buildBase)
  const out: SlotHolder[] = []
  for (const h of await platform.findHolders(dirs)) {
    const slot = slotOf(h.path, buildBase)
    if (slot !== null && mounted.has(slot)) out.push({...h, slot})
  }
  return out
}

/** Reads a saved plan and compares its fingerprint with a fresh plan of the same mode and slot filter. */
async function savedPlanFact(file: string, platformName: PlatformName, desired: DesiredState, table: MountTable): Promise<SavedPlanFact> {
  try {
    const saved = await readPlanFile(file)
    const p = saved.plan
    if (p.platform !== platformName) {
      return {file, state: 'other-platform', detail: `made for ${p.platform}, this is ${platformName}`, changes: p.changes.length}
    }
    const fresh = diffSlots(desired, table, {mode: p.mode, slotFilter: p.slotFilter})
    const current = fresh.fingerprint === p.fingerprint
    return {file, state: current ? 'current' : 'stale', changes: p.changes.length,
      detail: `saved ${saved.savedAt}${current ? '' : ', the configuration or the mounts under the build base changed since'}`}
  } catch (e) {
    if (!isDsynthError(e)) throw e
    return {file, state: e.code === 'PLANFILE_UNREADABLE' ? 'unreadable' : 'corrupt', detail: e.message, changes: null}
  }
}

/**
 * Collects everything the checks need: the apply plan against the live (or captured) table, saved plans, and
 * on the live host the directories, processes, lock, temporary files, slot directories, Template and last run.
 */
export async function gatherFacts(req: GatherRequest): Promise<DoctorFacts> {
  const {plan, desired, table} = await preparePlan({config: req.config, platformName: req.platformName, platform: req.platform,
    mountsFile: req.mountsFile, mode: 'apply'})
  const savedPlans: SavedPlanFact[] = []
  for (const f of req.planFiles) savedPlans.push(await savedPlanFact(f, req.platformName, desired, table))
  const c = req.config
  return {
    platform: req.platformName,
    config: {file: c.file, profile: c.profile, builders: c.builders, buildersSource: c.buildersSource},
    desired, table, plan, savedPlans,
    host: req.mountsFile === undefined ? await gatherHost(req, desired, table) : null,
  }
}

/** The facts only the live host can tell. */
async function gatherHost(req: GatherRequest, desired: DesiredState, table: MountTable): Promise<HostFacts> {
  const buildBase = desired.buildBase
  return {
    directories: await gatherDirectories(req.config),
    buildBase: {configured: req.config.directories.buildbase, resolved: await resolvePath(req.config.directories.buildbase),
      exists: await pathExists(buildBase)},
    holders: await findSlotHolders(req.platform, table, buildBase),
    lock: await gatherLock(buildBase),
    tempFiles: await gatherTempFiles(buildBase, req.planFiles),
    slotDirs: await gatherSlotDirs(buildBase, table),
    template: await gatherTemplate(buildBase, req.platformName),
    lastRun: await readLastRun(buildBase),
    unpopulated: (await populateNeeds(desired, table, await templateTree(buildBase, req.platformName), null))
      .map((n) => ({slot: n.slot.name, mounts: n.mounts})),
  }
}
