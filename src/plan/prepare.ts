import type {Config, PlatformName} from '../config/types.js'
import {computeDesiredState, parseSlotName} from '../layout/slots.js'
import type {DesiredState} from '../layout/types.js'
import {UsageError} from '../errors.js'
import {parseMountTable} from '../mounttable/parse.js'
import type {MountTable} from '../mounttable/types.js'
import {pathExists, readMountsText, resolvePath} from '../platform/host-facts.js'
import type {Platform} from '../platform/types.js'
import {isAtOrBelow, normalizeAbs} from '../util/paths.js'
import {diffSlots} from './diff.js'
import type {Plan} from './types.js'

/** What a plan is computed from. */
export interface PlanRequest {
  config: Config
  platformName: PlatformName
  /** The driver used to read the live table (not used with `mountsFile`). */
  platform: Platform
  /** `--mounts FILE|-`: a captured table; nothing on the host is probed. */
  mountsFile?: string
  mode: 'apply' | 'destroy'
  /** `--slot` values, validated here. */
  slots?: string[]
}

/** A plan with the inputs it was computed from. */
export interface PreparedPlan {
  plan: Plan
  desired: DesiredState
  table: MountTable
}

/** Validates `--slot` names: `SL` + at least two digits. */
export function validateSlotFilter(slots: string[] | undefined): string[] | null {
  if (!slots || slots.length === 0) return null
  for (const s of slots) {
    if (parseSlotName(s) === null) {
      throw new UsageError('BAD_SLOT', `--slot ${s}: not a slot name`, {suggestions: ['slot names are SL followed by at least two digits: SL00, SL07, SL100']})
    }
  }
  return [...new Set(slots)]
}

/**
 * With a captured table the host is not probed, so whether `$SYS/usr/src/sys/Makefile` exists (and slots mount
 * /usr/src) is read from the table: true when some slot mounts `$SYS/usr/src` at its /usr/src.
 */
export function tableShowsUsrSrc(table: MountTable, buildBase: string, system: string): boolean {
  const source = `${system === '/' ? '' : system}/usr/src`
  const prefix = buildBase === '/' ? '/' : `${buildBase}/`
  return table.mounts.some((m) => m.source === source && m.target.startsWith(prefix) && m.target.endsWith('/usr/src')
    && parseSlotName(m.target.slice(prefix.length, -'/usr/src'.length)) !== null)
}

/**
 * Reads the live (or captured) table, probes the host for the layout's facts, and diffs.
 * On the live host: the build base is realpath'd, `/usr/src` is mounted when `$SYS/usr/src/sys/Makefile`
 * exists, bind sources are resolved like the kernel resolves them, and a missing source is a warning. With a
 * captured table nothing on the host is probed (see tableShowsUsrSrc).
 */
export async function preparePlan(req: PlanRequest): Promise<PreparedPlan> {
  const slotFilter = validateSlotFilter(req.slots)
  const d = req.config.directories
  let table: MountTable
  let buildBase = normalizeAbs(d.buildbase)
  let hasUsrSrc = false
  const warnings: string[] = []
  if (req.mountsFile !== undefined) {
    table = parseMountTable(await readMountsText(req.mountsFile), {source: req.mountsFile === '-' ? '<stdin>' : req.mountsFile})
    hasUsrSrc = req.platformName !== 'linux' && tableShowsUsrSrc(table, buildBase, d.system)
  } else {
    // independent reads at once: each await is a round trip through the thread pool
    ;[table, buildBase, hasUsrSrc] = await Promise.all([req.platform.readMountTable(), resolvePath(buildBase),
      req.platformName !== 'linux' && pathExists(`${d.system === '/' ? '' : d.system}/usr/src/sys/Makefile`)])
  }
  const desired = computeDesiredState(req.config, req.platformName, buildBase, {hasUsrSrc})
  if (req.mountsFile === undefined && desired.slots.length > 0) {
    // every source checked and resolved at once; warnings stay in layout order
    const binds = desired.slots[0].mounts.filter((m) => ['bind', 'null', 'nullfs'].includes(m.fstype))
    const sources = [...new Set(binds.map((m) => m.source))]
    const facts = await Promise.all(sources.map(async (src) => ({exists: await pathExists(src), real: await resolvePath(src)})))
    const resolved = new Map(sources.map((src, i) => [src, facts[i].real]))
    for (const [i, src] of sources.entries()) {
      if (!facts[i].exists) warnings.push(`source ${src} of ${binds.find((m) => m.source === src)!.path} does not exist: apply will refuse it`)
    }
    for (const slot of desired.slots) for (const m of slot.mounts) m.source = resolved.get(m.source) ?? m.source
  }
  for (const name of slotFilter ?? []) {
    if (parseSlotName(name)! >= desired.slots.length && !table.mounts.some((m) => isAtOrBelow(m.target, `${buildBase}/${name}`))) {
      warnings.push(`--slot ${name}: not a slot of this configuration (Number_of_builders= ${desired.slots.length}) and nothing is mounted there`)
    }
  }
  const plan = diffSlots(desired, table, {mode: req.mode, slotFilter, warnings})
  return {plan, desired, table}
}
