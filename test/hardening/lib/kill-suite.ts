import {expect} from 'chai'
import path from 'node:path'
import {canMount, inNamespace, makeWorld, REPO} from '../../helpers/namespace.js'
import type {DriverSummary, KillSpec, TrialResult} from './kill-driver.js'
import {runSeed} from './random.js'
import {seedSourceTrees} from './world-checks.js'

/** One kind × signal of fault trials, as run by kill-driver.ts in its own namespace. */
export interface KillRun {
  kind: KillSpec['kind']
  signal: KillSpec['signal']
  seed: number
  trials: TrialResult[]
  summary: DriverSummary | null
  stderr: string
}

/** Runs `trials` kill trials of one kind and signal in a fresh world and private namespace. */
export async function runKillTrials(kind: KillSpec['kind'], signal: KillSpec['signal'], trials: number, seed: number): Promise<KillRun> {
  const w = await makeWorld(8)
  const sources = [w.packages, w.distfiles, w.options, w.ports]
  await seedSourceTrees(sources)
  const spec: KillSpec = {kind, signal, trials, seed, dsynth: path.join(REPO, 'bin/run.js'), dir: w.dir, base: w.base, ini: w.ini, sources, builders: 8}
  const driver = path.join(REPO, 'test/hardening/lib/kill-driver.ts')
  const r = await inNamespace(`exec node --import tsx ${driver}`, {DSYNTH_KILL_SPEC: JSON.stringify(spec)}, Math.max(120_000, trials * 15_000))
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as TrialResult | DriverSummary)
  return {kind, signal, seed, stderr: r.stderr, trials: lines.filter((l): l is TrialResult => 'trial' in l),
    summary: (lines.find((l) => 'done' in l) as DriverSummary | undefined) ?? null}
}

/** Runs the tasks with at most `jobs` at once, keeping their order in the result. */
export async function pool<T>(tasks: Array<() => Promise<T>>, jobs: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length)
  let next = 0
  await Promise.all(Array.from({length: Math.min(jobs, tasks.length)}, async () => {
    for (let i = next++; i < tasks.length; i = next++) out[i] = await tasks[i]()
  }))
  return out
}

/** One line of figures for RELIABILITY.md: where the kills landed, how the killed runs ended, what was left. */
export function describeRun(r: KillRun): string {
  const t = r.trials
  const goal = r.kind === 'destroy' ? 0 : 176
  const untouched = t.filter((x) => x.mountsAfterKill === x.mountsBefore && x.mountsBefore !== goal).length
  const finished = t.filter((x) => x.mountsAfterKill === goal).length
  const failed = t.filter((x) => x.failures.length > 0).length
  const ends = new Map<string, number>()
  for (const x of t) ends.set(x.ended, (ends.get(x.ended) ?? 0) + 1)
  const s = r.summary
  return `${r.kind} ${r.signal}: ${t.length} trials, ${failed} failed; uninterrupted run ${s?.runMs} ms (start-up ${s?.startupMs} ms), delays 0..${s?.windowMs} ms; `
    + `killed runs ended ${[...ends].sort().map(([k, v]) => `${k}x${v}`).join(' ')}; slot mounts after the kill: `
    + `${untouched} as before, ${t.length - untouched - finished} midway, ${finished} done; `
    + `leftover temp files ${t.reduce((a, x) => a + x.leftovers, 0)}; ${Math.round((s?.totalMs ?? 0) / 1000)} s, seed ${r.seed}`
}

/**
 * Defines the fault-trial suite: SIGINT and SIGKILL at a random moment of `apply`, `destroy` and `doctor --fix`
 * (8 slots), `trials` each, at most `jobs` namespaces at once. `DSYNTH_SEED` replays a run.
 */
export function defineKillSuite(trials: number, jobs = Number(process.env.DSYNTH_TRIAL_JOBS ?? 2)): void {
  describe(`faults: SIGINT / SIGKILL at a random moment, ${trials} trials each (real mounts, private namespaces)`, function () {
    const runs = new Map<string, KillRun>()
    const seed = runSeed()
    const combos = (['apply', 'destroy', 'doctor'] as const).flatMap((kind) => (['SIGINT', 'SIGKILL'] as const).map((signal) => ({kind, signal})))

    before(async function () {
      if (!canMount) {
        console.log('    (skipped: fault trials need root on Linux to mount in private namespaces)')
        this.skip()
      }
      this.timeout(trials * combos.length * 20_000)
      const done = await pool(combos.map(({kind, signal}, i) => () => runKillTrials(kind, signal, trials, seed + i)), jobs)
      for (const r of done) {
        runs.set(`${r.kind} ${r.signal}`, r)
        console.log(`      ${describeRun(r)}`)
      }
    })

    for (const {kind, signal} of combos) {
      const name = kind === 'doctor' ? 'doctor --fix -y' : `${kind} -y`
      it(`${name} killed with ${signal}: the next apply converges, no mount outside the slots changes, sources intact`, () => {
        const r = runs.get(`${kind} ${signal}`)!
        expect(r.summary, `driver did not finish (seed ${r.seed}):\n${r.stderr.slice(-2000)}`).to.not.equal(null)
        expect(r.trials).to.have.length(trials)
        const failed = r.trials.filter((t) => t.failures.length > 0)
          .map((t) => `trial ${t.trial} (start ${t.start}, ${t.signal} to ${t.target} after ${t.delayMs} ms${t.second ? ', twice' : ''}, ended ${t.ended}): ${t.failures.join('; ')}`)
        // the first failures in full: chai's diff of a long list shows only its length
        expect(failed, `seed ${r.seed}: replay with DSYNTH_SEED=${r.seed - combos.findIndex((c) => c.kind === kind && c.signal === signal)}; `
          + `${failed.length} failed trial(s), the first:\n${failed.slice(0, 5).join('\n')}`).to.deep.equal([])
      })
    }
  })
}
