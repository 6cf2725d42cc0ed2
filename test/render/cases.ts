import {readFileSync} from 'node:fs'
import {parseConfig} from '../../src/config/parse.js'
import type {PlatformName} from '../../src/config/types.js'
import {computeDesiredState} from '../../src/layout/slots.js'
import type {DesiredState} from '../../src/layout/types.js'
import {parseMountTable} from '../../src/mounttable/parse.js'
import {diffSlots} from '../../src/plan/diff.js'
import type {Plan} from '../../src/plan/types.js'

/** A rendered case: fixtures under test/fixtures, and the flags `dsynth plan` would be given. */
export interface GoldenCase {
  /** Base name of test/golden/<name>.txt and .json. */
  name: string
  mounts: string
  config: string
  platform: PlatformName
  destroy?: boolean
  slots?: string[]
}

/** The golden cases of plan output; the command tests run the CLI on the same fixtures and compare with the same files. */
export const GOLDEN_CASES: readonly GoldenCase[] = [
  {name: 'seed', mounts: 'seed-tripled.txt', config: 'seed-tripled.ini', platform: 'dragonfly'},
  {name: 'clean', mounts: 'clean-two-slots.txt', config: 'two-slots.ini', platform: 'dragonfly'},
  {name: 'extra-slots', mounts: 'extra-slots.txt', config: 'two-slots.ini', platform: 'dragonfly'},
  {name: 'foreign-remount', mounts: 'foreign-remount.txt', config: 'two-slots.ini', platform: 'dragonfly'},
  {name: 'destroy', mounts: 'seed-tripled.txt', config: 'seed-tripled.ini', platform: 'dragonfly', destroy: true},
  {name: 'linux-drift', mounts: 'linux-drift.mountinfo', config: 'two-slots.ini', platform: 'linux'},
  {name: 'seed-slot-filter', mounts: 'seed-tripled.txt', config: 'seed-tripled.ini', platform: 'dragonfly', slots: ['SL00', 'SL01']},
]

/** Absolute path of a fixture file. */
export function fixture(kind: 'mounttables' | 'config', file: string): string {
  return new URL(`../fixtures/${kind}/${file}`, import.meta.url).pathname
}

/** The plan of a case, computed the way `plan --mounts FILE --config FILE --platform P` computes it. */
export function planOf(c: GoldenCase): {plan: Plan; desired: DesiredState} {
  const cfgFile = fixture('config', c.config)
  const config = parseConfig(readFileSync(cfgFile, 'utf8'), {file: cfgFile, cpuCount: 8})
  const table = parseMountTable(readFileSync(fixture('mounttables', c.mounts), 'utf8'), {source: c.mounts})
  const desired = computeDesiredState(config, c.platform, config.directories.buildbase, {hasUsrSrc: false})
  const plan = diffSlots(desired, table, {mode: c.destroy ? 'destroy' : 'apply', slotFilter: c.slots ?? null})
  return {plan, desired}
}
