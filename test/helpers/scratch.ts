import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

const made: string[] = []

/** A new empty directory under the temporary directory, removed after the whole suite (removeScratchDirs). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** Mount points of this namespace, decoded (`\040` is a space). */
function mountPoints(): string[] {
  if (process.platform !== 'linux') return []
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean)
    .map((l) => l.split(' ')[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))))
}

/** Removes every scratch directory that has nothing mounted at or below it (a test that mounted there is a bug to see). */
export function removeScratchDirs(): string[] {
  const mounts = mountPoints()
  const kept: string[] = []
  for (const dir of made.splice(0)) {
    if (mounts.some((m) => m === dir || m.startsWith(dir + '/'))) { kept.push(dir); continue }
    rmSync(dir, {recursive: true, force: true})
  }
  return kept
}
