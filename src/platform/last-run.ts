import {renameSync, writeFileSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import type {Holder} from './types.js'

/** What the last apply/destroy left behind, kept in `<build base>/.dsynth-last-run.json` for doctor. */
export interface LastRun {
  finishedAt: string
  mode: 'apply' | 'destroy'
  ok: boolean
  /** Unmounts that were busy and left in place. */
  busy: {slot: string; targets: string[]; holders: Holder[]}[]
  errors: string[]
}

/** Path of the last-run record of a build base. */
export function lastRunPath(buildBase: string): string {
  return path.join(buildBase, '.dsynth-last-run.json')
}

/** Records the outcome of an apply (atomically; synchronous calls: three system calls, at the end of every apply). */
export async function writeLastRun(buildBase: string, run: LastRun): Promise<void> {
  const file = lastRunPath(buildBase)
  writeFileSync(`${file}.tmp`, JSON.stringify(run, null, 2) + '\n')
  renameSync(`${file}.tmp`, file)
}

/** Reads the last-run record; null when there is none or it is unreadable. */
export async function readLastRun(buildBase: string): Promise<LastRun | null> {
  try {
    return JSON.parse(await readFile(lastRunPath(buildBase), 'utf8')) as LastRun
  } catch {
    return null
  }
}
