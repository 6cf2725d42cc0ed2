import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {createTwoFilesPatch} from 'diff'
import {AssertionError} from 'chai'

/** Where golden files live: test/golden/<name>. */
export const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url))

/** True when the run should rewrite golden files instead of comparing (`UPDATE_GOLDEN=1 npm test`). */
export function updatingGolden(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.UPDATE_GOLDEN === '1'
}

/**
 * Compares `actual` with test/golden/<name>; with UPDATE_GOLDEN=1 writes it there instead. A mismatch (or a missing
 * file) fails with a unified diff from the golden file to the actual text, so the change can be reviewed before
 * regenerating.
 */
export function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name)
  if (updatingGolden()) {
    mkdirSync(path.dirname(file), {recursive: true})
    writeFileSync(file, actual)
    return
  }
  if (!existsSync(file)) {
    throw new AssertionError(`golden file test/golden/${name} does not exist; create it with UPDATE_GOLDEN=1`)
  }
  const expected = readFileSync(file, 'utf8')
  if (expected === actual) return
  const patch = createTwoFilesPatch(`test/golden/${name}`, 'actual', expected, actual, '', '', {context: 3})
  throw new AssertionError(`output differs from test/golden/${name} (rerun with UPDATE_GOLDEN=1 to accept):\n${patch}`)
}
