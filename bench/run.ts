/**
 * dsynth benchmarks: every figure is a ratio against a baseline measured in the same run, alternately, as the
 * median of several runs after a warm-up (the machine is shared and noisy; absolute times are not comparable
 * between runs). Mount benchmarks run in private mount namespaces under os.tmpdir(); the host's mount table is
 * compared before and after.
 *
 *   tsx bench/run.ts [--quick] [--runs N] [--warmup N] [--slots N] [--only apply,noop,...] [--out FILE] [--cli DIR]
 *                    [--compare DIR] [--sched-sleep MS]
 *
 * --cli DIR measures the dsynth built in DIR (DIR/bin/run.js, DIR/dist) instead of this checkout's.
 * --compare DIR also runs every dsynth case of items 1-5 with the build in DIR, alternately with the first one, and
 * reports B ÷ A per case (before/after of a change, side by side).
 *
 * Items: apply (1), noop (2), recover (3), destroy (4), startup (5), planCore (6), scheduler (7).
 */
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {REPO, canMount, runScenario} from './lib/ns.js'
import {benchPlanCore} from './lib/plan-core.js'
import {benchScheduler} from './lib/scheduler.js'
import type {WorkerResult} from './lib/scenarios.js'
import {median, pairedRatio, round} from './lib/stats.js'
import {makeWorld, removeWorld} from './lib/world.js'

/** One ratio with its goal. */
export interface Goal {
  item: string
  name: string
  value: number
  /** `<=` the value must not exceed `limit`; `>=` it must reach it. */
  op: '<=' | '>=' | '<'
  limit: number
  unit: string
  met: boolean
}

/** One item of results.json. */
export interface ItemResult {
  title: string
  skipped?: string
  /** The item failed to run (its first line of error). */
  error?: string
  /** Median milliseconds per contender. */
  medians?: Record<string, number>
  /** Every kept run, in milliseconds, in round order. */
  runs?: Record<string, number[]>
  ratios?: Record<string, number>
  spawns?: Record<string, Record<string, number>>
  notes?: string[]
  [more: string]: unknown
}

export const ITEMS = ['apply', 'noop', 'recover', 'destroy', 'startup', 'planCore', 'scheduler'] as const
type Item = (typeof ITEMS)[number]

const {values: flags} = parseArgs({options: {
  quick: {type: 'boolean', default: false},
  runs: {type: 'string'},
  warmup: {type: 'string'},
  slots: {type: 'string'},
  only: {type: 'string'},
  out: {type: 'string', default: path.join(REPO, 'bench/results.json')},
  cli: {type: 'string', default: REPO},
  compare: {type: 'string'},
  'sched-sleep': {type: 'string'},
}})

const quick = flags.quick!
const runs = Number(flags.runs ?? (quick ? 2 : 7))
const warmup = Number(flags.warmup ?? 1)
const slots = Number(flags.slots ?? (quick ? 4 : 16))
const only = new Set((flags.only ?? ITEMS.join(',')).split(',').map((s) => s.trim()))
for (const o of only) if (!(ITEMS as readonly string[]).includes(o)) throw new Error(`--only: unknown item ${o} (${ITEMS.join(', ')})`)
const CLI = path.resolve(flags.cli!)
const BIN = path.join(CLI, 'bin/run.js')
const BIN_B = flags.compare ? path.join(path.resolve(flags.compare), 'bin/run.js') : undefined
const log = (s: string) => process.stderr.write(s + '\n')

const goals: Goal[] = []
const items: Partial<Record<Item, ItemResult>> = {}

function goal(item: Item, name: string, value: number, op: Goal['op'], limit: number, unit = '×'): number {
  const met = op === '<=' ? value <= limit : op === '<' ? value < limit : value >= limit
  goals.push({item, name, value: round(value, 3), op, limit, unit, met})
  return round(value, 3)
}

function medians(samples: Record<string, number[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, round(median(v))]))
}

function roundRuns(samples: Record<string, number[]>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((x) => round(x))]))
}

/** Runs a scenario in a fresh world and private namespace; the world is removed afterwards when nothing is mounted below it. */
async function scenario(name: 'fresh' | 'steady' | 'recover' | 'destroy'): Promise<WorkerResult> {
  const w = makeWorld(slots)
  log(`${name}: world ${w.dir}, ${slots} slots, ${warmup} warm-up + ${runs} runs`)
  try {
    return await runScenario({scenario: name, dir: w.dir, base: w.base, ini: w.ini, builders: slots, warmup, runs, bin: BIN, binB: BIN_B}, log)
  } finally {
    removeWorld(w, log)
  }
}

async function benchMounts(): Promise<void> {
  const needMounts = (['apply', 'noop', 'recover', 'destroy', 'startup'] as const).filter((i) => only.has(i))
  if (needMounts.length === 0) return
  if (!canMount) {
    for (const i of needMounts) items[i] = {title: i, skipped: 'needs root on Linux (private mount namespaces)'}
    log(`skipped ${needMounts.join(', ')}: needs root on Linux`)
    return
  }
  if (!existsSync(path.join(CLI, 'dist/src/cli.js'))) throw new Error('dist/ is missing: run `npm run build` first')

  if (only.has('apply')) {
    const raw = await scenario('fresh')
    const {samples, compare} = split(raw.samples)
    const r = {...raw, samples}
    const m = medians(r.samples)
    items.apply = {
      title: `apply ${slots} slots from nothing (${slots * r.mountsPerSlot} mounts)`, medians: m, runs: roundRuns(r.samples),
      ratios: {
        cwayOverDsynth: goal('apply', `(a) one mount per mount ÷ dsynth apply (faster by)`, m.cway / m.dsynth, '>=', 5),
        dsynthOverFloor: goal('apply', `dsynth apply ÷ (b) node -e 0 + one mount -a`, m.dsynth / m.floor, '<=', 2.5),
        pairedCwayOverDsynth: round(1 / pairedRatio(r.samples.dsynth, r.samples.cway), 3),
        // context, no goal: the "about 1.2 s" for (a) is this variant on this kind of machine
        cway2OverDsynth: round(m.cway2 / m.dsynth, 3),
        pairedDsynthOverFloor: round(pairedRatio(r.samples.dsynth, r.samples.floor), 3),
      },
      spawns: r.spawns, compare,
      notes: [...r.notes, '(a) = `mount -o bind,ro SRC DST` (one process per mount, what util-linux 2.27+ does in one process); cway2 = the two-step `mount --bind` + `mount -o remount,bind,ro` of older util-linux and many scripts, reported for context'],
    }
  }
  if (only.has('noop') || only.has('startup')) {
    const raw = await scenario('steady')
    const {samples, compare} = split(raw.samples)
    const r = {...raw, samples}
    const m = medians(r.samples)
    if (only.has('noop')) {
      const calls = (r.spawns.apply.mount ?? 0) + (r.spawns.apply.umount ?? 0)
      items.noop = {
        title: `apply with nothing to do (${slots} slots right)`, medians: {apply: m.apply, version: m.version}, runs: {apply: roundRuns(r.samples).apply, version: roundRuns(r.samples).version},
        ratios: {
          applyOverVersion: goal('noop', 'apply (nothing to do) ÷ dsynth --version', m.apply / m.version, '<=', 1.3),
          mountProcesses: goal('noop', 'mount/umount processes started by apply (all rounds)', calls, '<=', 0, ''),
          pairedApplyOverVersion: round(pairedRatio(r.samples.apply, r.samples.version), 3),
        },
        spawns: r.spawns, notes: r.notes, compare,
      }
    }
    if (only.has('startup')) {
      items.startup = {
        title: 'CLI start-up', medians: {node: m.node, version: m.version, plan: m.plan}, runs: {node: roundRuns(r.samples).node, version: roundRuns(r.samples).version, plan: roundRuns(r.samples).plan},
        ratios: {
          versionOverNode: goal('startup', 'dsynth --version ÷ node -e 0', m.version / m.node, '<=', 2.5),
          planOverNode: round(m.plan / m.node, 3),
          pairedVersionOverNode: round(pairedRatio(r.samples.version, r.samples.node), 3),
          pairedPlanOverNode: round(pairedRatio(r.samples.plan, r.samples.node), 3),
        },
        notes: ['plan (nothing to do) has no goal of its own; it is reported against node -e 0'], compare,
      }
    }
  }
  if (only.has('recover')) {
    const raw = await scenario('recover')
    const {samples, compare} = split(raw.samples)
    const r = {...raw, samples}
    const m = medians(r.samples)
    items.recover = {
      title: `recover ${slots} slots stacked three times to one clean layer`, medians: m, runs: roundRuns(r.samples),
      ratios: {
        dsynthOverBaseline: goal('recover', 'dsynth apply ÷ (umount -R per slot + node -e 0 + one mount -a)', m.dsynth / m.baseline, '<=', 1.5),
        pairedDsynthOverBaseline: round(pairedRatio(r.samples.dsynth, r.samples.baseline), 3),
      },
      spawns: r.spawns, notes: r.notes, compare,
    }
  }
  if (only.has('destroy')) {
    const raw = await scenario('destroy')
    const {samples, compare} = split(raw.samples)
    const r = {...raw, samples}
    const m = medians(r.samples)
    items.destroy = {
      title: `destroy ${slots} slots`, medians: m, runs: roundRuns(r.samples),
      ratios: {
        dsynthOverUmountR: goal('destroy', 'dsynth destroy ÷ umount -R per slot', m.dsynth / m.umountR, '<=', 1.3),
        pairedDsynthOverUmountR: round(pairedRatio(r.samples.dsynth, r.samples.umountR), 3),
      },
      spawns: r.spawns, notes: r.notes, compare,
    }
  }
}

/** With --compare: the B cases' medians and B ÷ A per case; the B samples are taken out of `samples`. */
function split(samples: Record<string, number[]>): {samples: Record<string, number[]>; compare?: Record<string, unknown>} {
  const b = Object.keys(samples).filter((k) => k.endsWith('B') && samples[k.slice(0, -1)])
  if (b.length === 0) return {samples}
  const a: Record<string, number[]> = {...samples}
  const compare: Record<string, unknown> = {cli: path.resolve(flags.compare!), medians: {}, runs: {}, ratios: {}}
  for (const k of b) {
    const base = k.slice(0, -1)
    ;(compare.medians as Record<string, number>)[base] = round(median(samples[k]))
    ;(compare.runs as Record<string, number[]>)[base] = samples[k].map((x) => round(x))
    ;(compare.ratios as Record<string, number>)[`${base}: B ÷ A`] = round(median(samples[k]) / median(samples[base]), 3)
    ;(compare.ratios as Record<string, number>)[`${base}: B ÷ A paired`] = round(pairedRatio(samples[k], samples[base]), 3)
    delete a[k]
  }
  log(`compare: ${JSON.stringify(compare.ratios)}`)
  return {samples: a, compare}
}

function cmdOut(argv: string[]): string {
  try { return execFileSync(argv[0], argv.slice(1), {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim() } catch { return 'unknown' }
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus()
  let distro = 'unknown'
  try { distro = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? distro } catch { /* not Linux */ }
  return {
    hostname: os.hostname(), platform: process.platform, distro, kernel: os.release(), arch: process.arch,
    cpus: os.availableParallelism(), cpuModel: cpus[0]?.model ?? 'unknown', memoryMB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version, utilLinux: cmdOut(['mount', '--version']), loadavgAtStart: os.loadavg().map((x) => round(x)),
  }
}

function printTable(): void {
  const rows = goals.map((g) => [g.item, g.name, `${g.value}${g.unit}`, `${g.op} ${g.limit}${g.unit}`, g.met ? 'met' : 'MISSED'])
  const head = ['item', 'ratio', 'value', 'goal', '']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()
  console.log(line(head))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows) console.log(line(r))
  const twoStep = items.apply?.ratios?.cway2OverDsynth
  if (twoStep !== undefined) console.log(`apply: one mount per mount with two-step ro binds ÷ dsynth apply = ${twoStep}× (context, no goal)`)
  for (const [k, v] of Object.entries(items)) {
    if (v?.skipped) console.log(`${k}: skipped (${v.skipped})`)
    if (v?.error) console.log(`${k}: ERROR ${String(v.error)}`)
  }
}

async function main(): Promise<void> {
  const started = new Date()
  const hostBefore = process.platform === 'linux' ? readFileSync('/proc/self/mountinfo', 'utf8') : ''
  const m = machine()
  const errors: string[] = []
  const attempt = async (names: Item[], f: () => Promise<void> | void) => {
    try {
      await f()
    } catch (e) {
      const msg = String((e as Error)?.stack ?? e)
      errors.push(msg)
      log(`ERROR in ${names.join(', ')}: ${msg}`)
      for (const n of names) if (only.has(n) && !items[n]) items[n] = {title: n, error: msg.split('\n')[0]}
    }
  }
  try {
    await attempt(['apply', 'noop', 'recover', 'destroy', 'startup'], benchMounts)
    if (only.has('planCore')) await attempt(['planCore'], () => { items.planCore = benchPlanCore({quick, warmup, runs: quick ? runs : 5, log, goal: (n, v, op, l, u) => goal('planCore', n, v, op, l, u)}) })
    if (only.has('scheduler')) await attempt(['scheduler'], async () => { items.scheduler = await benchScheduler({quick, warmup, runs: quick ? runs : 5, sleepMs: flags['sched-sleep'] ? Number(flags['sched-sleep']) : undefined, log, goal: (n, v, op, l, u) => goal('scheduler', n, v, op, l, u)}) })
  } finally {
    if (process.platform === 'linux') {
      const after = readFileSync('/proc/self/mountinfo', 'utf8')
      if (after !== hostBefore) log('WARNING: the host mount table changed during the benchmarks (other processes may have mounted)')
      m.hostMountTableUnchanged = after === hostBefore
    }
  }
  const result = {
    formatVersion: 1, date: started.toISOString(), durationSeconds: round((Date.now() - started.getTime()) / 1000, 1),
    quick, warmup, runs, slots, cli: CLI, machine: m, goals, items,
  }
  writeFileSync(flags.out!, JSON.stringify(result, null, 2) + '\n')
  printTable()
  log(`wrote ${flags.out}`)
  if (errors.length > 0) process.exitCode = 1
}

await main()
