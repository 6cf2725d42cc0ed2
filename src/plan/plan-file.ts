import {readFile, rename, unlink, writeFile} from 'node:fs/promises'
import {PlanFileError} from '../errors.js'
import type {Plan} from './types.js'

/** What `plan --out` writes: the plan plus when and from which configuration it was made. */
export interface SavedPlan {
  kind: 'dsynth-plan'
  savedAt: string
  /** Config file the plan was made from (null: built-in defaults), and its profile. */
  configFile: string | null
  profile: string
  plan: Plan
}

/** Writes a saved plan atomically (temporary file, then rename), so a crash never leaves half a plan. */
export async function savePlanFile(file: string, plan: Plan, meta: {configFile?: string | null; profile?: string} = {}): Promise<void> {
  const doc: SavedPlan = {kind: 'dsynth-plan', savedAt: new Date().toISOString(), configFile: meta.configFile ?? null,
    profile: meta.profile ?? '', plan}
  const tmp = `${file}.tmp-${process.pid}`
  try {
    await writeFile(tmp, JSON.stringify(doc, null, 2) + '\n', {mode: 0o600})
    await rename(tmp, file)
  } catch (e) {
    await unlink(tmp).catch(() => undefined)
    throw new PlanFileError('PLANFILE_WRITE', `cannot write plan file ${file}: ${(e as Error).message}`, {cause: e})
  }
}

/** Parses a saved plan document; anything else (half-written, another format) is a PlanFileError naming the file. */
export function parsePlanFile(text: string, file: string): SavedPlan {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    throw new PlanFileError('PLANFILE_CORRUPT', `${file} is not a saved dsynth plan (invalid JSON: ${(e as Error).message})`)
  }
  const d = doc as Partial<SavedPlan>
  if (d?.kind !== 'dsynth-plan' || typeof d.plan !== 'object' || d.plan === null || d.plan.formatVersion !== 1
    || !Array.isArray(d.plan.changes) || typeof d.plan.fingerprint !== 'string') {
    throw new PlanFileError('PLANFILE_CORRUPT', `${file} is not a saved dsynth plan of format version 1`)
  }
  return d as SavedPlan
}

/** Reads and parses a saved plan. */
export async function readPlanFile(file: string): Promise<SavedPlan> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw new PlanFileError('PLANFILE_UNREADABLE', `cannot read plan file ${file}: ${(e as Error).message}`, {cause: e})
  }
  return parsePlanFile(text, file)
}
