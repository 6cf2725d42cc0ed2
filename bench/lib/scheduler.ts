/**
 * Item 7: the build scheduler. 200 synthetic ports (a random DAG, up to 3 dependencies each on earlier ports)
 * whose build is a fixed sleep, on 8 slots, measured two ways, alternately:
 *  - `engine`: the real build engine, runBuild (dependency queries, graph, up-to-date check, logs, make.conf,
 *    package copy), with an in-process platform: `make -V` answers from memory, the `build` phase sleeps, every
 *    other phase returns at once;
 *  - `core`: the Scheduler driven by runSchedule with sleeping units and nothing else.
 * The lower bound for the graph is max(longest chain, ceil(ports / slots)) × sleep. Overhead per port is the
 * slot time lost against the same scheduler run in virtual time: (wall − virtual makespan) × slots / ports.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {mkdir, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import type {RunOptions, RunResult} from '../../src/platform/exec.js'
import type {Goal, ItemResult} from '../run.js'
import {median, round} from './stats.js'

export interface SchedulerOptions {
  quick: boolean
  warmup: number
  runs: number
  log: (s: string) => void
  goal: (name: string, value: number, op: Goal['op'], limit: number, unit?: string) => number
  /** Length of one synthetic build (default 1000 ms, 20 ms with --quick). */
  sleepMs?: number
}

/** A port of the synthetic tree. */
export interface SynPort {
  id: string
  deps: string[]
}

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `n` ports `syn/pNNN`, each depending on up to `maxDeps` earlier ones. */
export function syntheticTree(n: number, seed: number, maxDeps = 3): SynPort[] {
  const rnd = prng(seed)
  const id = (i: number) => `syn/p${String(i).padStart(3, '0')}`
  return Array.from({length: n}, (_, i) => {
    const deps = new Set<string>()
    const k = i === 0 ? 0 : Math.floor(rnd() * (maxDeps + 1))
    for (let j = 0; j < k; j++) deps.add(id(Math.floor(rnd() * i)))
    return {id: id(i), deps: [...deps].sort()}
  })
}

/** Longest dependency chain, in ports (the tree lists dependencies before dependents). */
export function longestChain(ports: SynPort[]): number {
  const depth = new Map<string, number>()
  for (const p of ports) depth.set(p.id, 1 + Math.max(0, ...p.deps.map((d) => depth.get(d)!)))
  return Math.max(...depth.values())
}

/** The scheduler in virtual time, unit-length ports: its makespan in units. */
async function virtualMakespan(ports: SynPort[], slots: number): Promise<number> {
  const {Scheduler} = await import('../../src/build/schedule.js')
  const sched = new Scheduler(ports)
  const running: {id: string; end: number}[] = []
  let t = 0
  const fill = () => {
    while (running.length < slots) {
      const id = sched.take()
      if (id === undefined) break
      running.push({id, end: t + 1})
    }
  }
  fill()
  while (running.length > 0) {
    running.sort((a, b) => a.end - b.end || (a.id < b.id ? -1 : 1))
    const r = running.shift()!
    t = r.end
    sched.resolve(r.id, 'built')
    fill()
  }
  return t
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** A successful RunResult. */
function ok(argv: string[], stdout: string): RunResult {
  return {argv, exitCode: 0, signal: null, stdout, stderr: '', timedOut: false, pid: 1}
}

/** One run of the real engine over the tree plus a meta port `syn/all`; returns wall milliseconds. */
export async function engineRun(ports: SynPort[], slots: number, sleepMs: number,
  trace?: (slotDir: string, phase: string, start: number, end: number) => void): Promise<number> {
  const {runBuild} = await import('../../src/build/run-build.js')
  const {buildToolsFor} = await import('../../src/build/tools.js')
  const {QUERY_VARIABLES} = await import('../../src/build/query.js')
  const answer = (vars: Record<string, string>) => QUERY_VARIABLES.map((v) => (vars[v] ?? '') + '\n').join('')
  const base = mkdtempSync(path.join(os.tmpdir(), 'dsynth-bench-sched-'))
  try {
    const portsdir = path.join(base, 'ports')
    const answers = new Map<string, string>()
    const pkg = (id: string) => `${id.split('/')[1]}-1.pkg`
    for (const p of ports) {
      mkdirSync(path.join(portsdir, p.id), {recursive: true})
      writeFileSync(path.join(portsdir, p.id, 'Makefile'), '')
      answers.set(p.id, answer({PKGVERSION: '1', 'PKGFILE:T': pkg(p.id), BUILD_DEPENDS: p.deps.map((d) => `x:${d}`).join(' ')}))
    }
    mkdirSync(path.join(portsdir, 'syn/all'), {recursive: true})
    writeFileSync(path.join(portsdir, 'syn/all', 'Makefile'), '')
    answers.set('syn/all', answer({PKGVERSION: '1', 'PKGFILE:T': 'all-1.pkg', RUN_DEPENDS: ports.map((p) => `x:${p.id}`).join(' '), USES: 'metaport'}))
    const run = async (argv: string[], o: RunOptions = {}): Promise<RunResult> => {
      if (argv.includes('-V')) {
        const origin = argv[argv.indexOf('-C') + 1].slice(portsdir.length + 1)
        return ok(argv, answers.get(origin) ?? '')
      }
      const phase = argv.at(-1)!
      const t0 = performance.now()
      if (phase === 'build') {
        // the build: a fixed sleep, during which the port's package appears where the package phase leaves it
        const portdir = argv[argv.indexOf('-C') + 1].replace('/xports/', '')
        const dir = path.join(argv[1], 'construction', portdir, 'pkg')
        // the meta port syn/all only gathers the others (USES=metaport builds nothing): its build does not sleep, so
        // that the engine and the bare scheduler run the same 200 units of work
        await Promise.all([portdir === 'syn/all' ? undefined : sleep(sleepMs), mkdir(dir, {recursive: true}).then(() => writeFile(path.join(dir, pkg(portdir)), 'x'))])
      }
      o.onOutput?.(`${phase}\n`)
      trace?.(argv[1], phase, t0, performance.now())
      return ok(argv, '')
    }
    const d = (sub: string) => path.join(base, sub)
    const config = {
      directories: {packages: d('packages'), repository: d('packages/All'), portsdir, options: d('options'), distfiles: d('distfiles'),
        buildbase: d('build'), logs: d('logs'), ccache: null, system: '/'},
      packageSuffix: '.pkg', maxJobs: 2, profile: 'LiveSystem', configBase: null, checkPlist: false,
    }
    const slotSpecs = Array.from({length: slots}, (_, i) => {
      const name = `SL${String(i).padStart(2, '0')}`
      return {name, index: i, dir: d(`build/${name}`), mounts: []}
    })
    for (const s of slotSpecs) mkdirSync(s.dir, {recursive: true})
    const t0 = performance.now()
    const summary = await runBuild({
      origins: ['syn/all'], config, slots: slotSpecs,
      platform: {run, chrootArgv: (dir: string, argv: string[]) => ['chroot', dir, ...argv]},
      slotOps: {resetSlot: async () => undefined, killInSlot: async () => 0},
      tools: buildToolsFor('linux'),
    })
    const wall = performance.now() - t0
    const built = summary.built.filter((o) => o !== 'syn/all').length
    if (built !== ports.length) throw new Error(`engine built ${built} of ${ports.length} ports: ${JSON.stringify(summary.failed.slice(0, 3))}`)
    return wall
  } finally {
    rmSync(base, {recursive: true, force: true})
  }
}

/** One run of the bare scheduler: runSchedule with sleeping units; returns wall milliseconds. */
export async function coreRun(ports: SynPort[], slots: number, sleepMs: number): Promise<number> {
  const {Scheduler} = await import('../../src/build/schedule.js')
  const {runSchedule} = await import('../../src/build/run-schedule.js')
  const sched = new Scheduler(ports)
  const t0 = performance.now()
  await runSchedule(sched, {slots, start: async () => { await sleep(sleepMs); return 'built' as const }})
  const wall = performance.now() - t0
  if (!sched.finished()) throw new Error('runSchedule ended with units left')
  return wall
}

/** Like stats.alternate, for async cases; `run(true)` is a warm-up round (it may use shorter sleeps). */
async function alternateAsync(cases: {name: string; run: (warm: boolean) => Promise<number>}[], warmup: number, runs: number,
  log: (s: string) => void): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.name, []]))
  for (let r = 0; r < warmup + runs; r++) {
    const line: string[] = []
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + r) % cases.length]
      const ms = await c.run(r < warmup)
      if (r >= warmup) out[c.name].push(ms)
      line.push(`${c.name} ${ms.toFixed(0)}`)
    }
    log(`  ${r < warmup ? 'warm-up' : `run ${r - warmup + 1}/${runs}`}: ${line.join(', ')} ms`)
  }
  return out
}

export async function benchScheduler(o: SchedulerOptions): Promise<ItemResult> {
  const n = o.quick ? 40 : 200
  const slots = 8
  // 1 s builds: then the two goals agree (50 ms of overhead per port is 5% of a port's slot time); the warm-up
  // rounds run the same code with 20 ms builds
  const sleepMs = o.sleepMs ?? (o.quick ? 20 : 1000)
  const warmSleep = Math.min(sleepMs, 20)
  const seed = 7
  const ports = syntheticTree(n, seed, 3)
  const chain = longestChain(ports)
  const boundUnits = Math.max(chain, Math.ceil(n / slots))
  const virtualUnits = await virtualMakespan(ports, slots)
  const bound = boundUnits * sleepMs
  const virtual = virtualUnits * sleepMs
  o.log(`scheduler: ${n} ports, ${slots} slots, build sleep ${sleepMs} ms, longest chain ${chain}, bound ${bound} ms, virtual ${virtual} ms`)
  const samples = await alternateAsync([
    {name: 'engine', run: (warm) => engineRun(ports, slots, warm ? warmSleep : sleepMs)},
    {name: 'core', run: (warm) => coreRun(ports, slots, warm ? warmSleep : sleepMs)},
  ], o.warmup, o.runs, o.log)
  const m = {engine: round(median(samples.engine)), core: round(median(samples.core))}
  const overhead = (wall: number) => ((wall - virtual) * slots) / n
  return {
    title: `build scheduler: ${n} synthetic ports, sleep builds, ${slots} slots`,
    graph: {ports: n, seed, maxDeps: 3, slots, sleepMs, longestChain: chain, boundMs: bound, virtualMakespanMs: virtual},
    medians: m,
    runs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((x) => round(x))])),
    ratios: {
      engineOverBound: o.goal('makespan of the engine ÷ lower bound max(chain, ports/8)', m.engine / bound, '<=', 1.05),
      engineOverheadPerPortMs: o.goal('engine overhead per port (slot time lost vs. virtual time)', overhead(m.engine), '<', 50, ' ms'),
      virtualOverBound: round(virtual / bound, 3),
      coreOverBound: round(m.core / bound, 3),
      coreOverheadPerPortMs: round(overhead(m.core), 2),
    },
    notes: ['engine = runBuild with an in-process platform (answers from memory, the build phase sleeps, other phases return at once)',
      'core = Scheduler + runSchedule with sleeping units', 'overhead per port = (wall − virtual makespan) × slots ÷ ports',
      `builds sleep ${sleepMs} ms: with 1 s builds the makespan goal (5%) and the overhead goal (50 ms per port) say the same; warm-up rounds use ${warmSleep} ms`],
  }
}
