import {execFile, spawn} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {mkdir, readdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {Rng} from './random.js'
import {diffLines, diffSnapshots, mountsOutsideSlots, slotMountCount, slotTargets, snapshotTrees} from './world-checks.js'

/**
 * Fault trials, run INSIDE a private mount namespace (`unshare --mount --propagation private node --import tsx
 * kill-driver.ts SPEC`): start `dsynth apply|destroy|doctor --fix` from a prepared state, kill it with SIGINT or
 * SIGKILL after a random delay covering start-up to finish, then check that the next `dsynth apply` converges
 * (`plan --detailed-exitcode` exits 0), that no mount outside the slots appeared or vanished, that every byte of
 * the source trees is unchanged and that the slot roots hold the Template. One JSON line per trial on stdout.
 */

/** What to run. */
export interface KillSpec {
  kind: 'apply' | 'destroy' | 'doctor'
  signal: 'SIGINT' | 'SIGKILL'
  trials: number
  seed: number
  /** The built CLI (bin/run.js). */
  dsynth: string
  dir: string
  base: string
  ini: string
  /** Source trees whose every byte must survive. */
  sources: string[]
  builders: number
}

/** The result of one trial. */
export interface TrialResult {
  trial: number
  /** How the run started: empty slots, converged slots, or converged plus a stacked layer (and extras). */
  start: 'empty' | 'converged' | 'stacked'
  delayMs: number
  signal: string
  /** `process`: only dsynth; `group`: its whole process group, as a terminal's Ctrl-C does. */
  target: 'process' | 'group'
  /** A second SIGINT followed (the "exit at once" path). */
  second: boolean
  /** How the killed run ended: exit status, or the signal that ended it. */
  ended: string
  /** The end of its output when it ended with a failure status of its own (1 or 2) before the signal landed. */
  ownFailure?: string
  /** Mounts inside the slots when the run started and right after the kill (where in the run the kill landed). */
  mountsBefore: number
  mountsAfterKill: number
  convergeRc: number
  planRc: number
  /** Temporary files dsynth left behind (fstab directories in TMPDIR, lock temp files). */
  leftovers: number
  failures: string[]
  ms: number
}

/** The summary line. */
export interface DriverSummary {
  done: true
  kind: string
  signal: string
  seed: number
  /** Median wall time of an uninterrupted run, and the delay window derived from it. */
  runMs: number
  /** Median wall time of a `plan` (start-up, reading and planning): kills after it land while mounts change. */
  startupMs: number
  windowMs: number
  totalMs: number
}

interface Ran {
  code: number
  out: string
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function main(spec: KillSpec): Promise<void> {
  const rng = new Rng(spec.seed)
  const t0 = Date.now()
  const tmp = path.join(spec.dir, 'tmp')
  await mkdir(tmp, {recursive: true})
  const env = {...process.env, TMPDIR: tmp, NO_COLOR: '1'}
  const cfg = ['--config', spec.ini]
  const cli = (args: string[], timeoutMs = 90_000): Promise<Ran> => new Promise((resolve) => {
    execFile(process.execPath, [spec.dsynth, ...args, ...cfg], {env, timeout: timeoutMs, maxBuffer: 32 << 20}, (err, stdout, stderr) => {
      const code = err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : -1) : 0
      resolve({code, out: stdout + stderr})
    })
  })
  const runArgs = spec.kind === 'apply' ? ['apply', '-y'] : spec.kind === 'destroy' ? ['destroy', '-y'] : ['doctor', '--fix', '-y']

  const baseline = await mountsOutsideSlots(spec.base)
  const sources = await snapshotTrees(spec.sources)

  /** Converged slots plus a second layer of tmpfs on some slots, sometimes a stray extra slot and a dead holder's lock. */
  const stack = async (): Promise<void> => {
    const targets = await slotTargets(spec.base)
    const slots = new Set(Array.from({length: spec.builders}, (_, i) => `SL${String(i).padStart(2, '0')}`).filter(() => rng.chance(0.5)))
    if (slots.size === 0) slots.add('SL00')
    const lines = targets.filter((t) => slots.has(t.slice(spec.base.length + 1).split('/')[0]))
      .map((t) => `layer2 ${t} tmpfs rw,size=1m,x-mount.mkdir 0 0`)
    if (rng.chance(0.5)) lines.push(`stray ${spec.base}/SL${String(spec.builders + 1).padStart(2, '0')} tmpfs rw,size=1m,x-mount.mkdir 0 0`)
    const fstab = path.join(tmp, 'stack.fstab')
    await writeFile(fstab, lines.join('\n') + '\n')
    await new Promise((r) => execFile('mount', ['-a', '-n', '-T', fstab], r))
    if (rng.chance(0.3)) {
      const dead = await new Promise<number>((r) => { const c = spawn('true'); c.on('exit', () => r(c.pid!)) })
      await writeFile(path.join(spec.base, '.dsynth-slots.lock'), JSON.stringify({pid: dead, command: 'dsynth apply -y', user: 'root', host: 'x', startedAt: new Date().toISOString()}) + '\n')
    }
  }

  /** Brings the slots into a starting state; returns its name and any failure of the reset itself. */
  const prepare = async (start: TrialResult['start']): Promise<string[]> => {
    const failures: string[] = []
    if (start === 'empty') {
      const r = await cli(['destroy', '-y'])
      if (r.code !== 0) failures.push(`reset: destroy exited ${r.code}: ${r.out.slice(-600)}`)
      const left = (await readdir(spec.base)).filter((n) => /^SL\d{2,}$/.test(n))
      if (left.length > 0) failures.push(`reset: destroy left ${left.join(' ')}`)
    } else {
      if (await slotMountCount(spec.base) !== spec.builders * 22) {
        const r = await cli(['apply', '-y'])
        if (r.code !== 0) failures.push(`reset: apply exited ${r.code}: ${r.out.slice(-600)}`)
      }
      if (start === 'stacked') await stack()
    }
    return failures
  }

  const chooseStart = (): TrialResult['start'] => {
    if (spec.kind === 'apply') return rng.chance(0.65) ? 'empty' : 'stacked'
    if (spec.kind === 'destroy') return rng.chance(0.7) ? 'converged' : 'stacked'
    return 'stacked'
  }

  // The delay window: from start-up to a little past the end of an uninterrupted run. Half the delays are drawn
  // from the whole window, half from the part after start-up (about as long as a `plan`), where the mounts happen.
  const samples: number[] = []
  const planSamples: number[] = []
  for (let i = 0; i < 3; i++) {
    await prepare(spec.kind === 'apply' ? 'empty' : spec.kind === 'destroy' ? 'converged' : 'stacked')
    let s = Date.now()
    await cli(['plan'])
    planSamples.push(Date.now() - s)
    s = Date.now()
    await cli(runArgs)
    samples.push(Date.now() - s)
  }
  const runMs = samples.sort((a, b) => a - b)[1]
  const startupMs = Math.min(runMs, planSamples.sort((a, b) => a - b)[1])
  const windowMs = Math.round(runMs * 1.2)

  for (let trial = 0; trial < spec.trials; trial++) {
    const ts = Date.now()
    const start = chooseStart()
    const failures = await prepare(start)
    const mountsBefore = await slotMountCount(spec.base)
    const delayMs = rng.chance(0.5) ? rng.int(0, windowMs) : rng.int(Math.round(startupMs * 0.8), Math.round(runMs * 1.1))
    const target: TrialResult['target'] = rng.chance(0.5) ? 'group' : 'process'
    const second = spec.signal === 'SIGINT' && rng.chance(0.25)
    const secondDelay = rng.int(0, 300)
    const child = spawn(process.execPath, [spec.dsynth, ...runArgs, ...cfg], {env, detached: true, stdio: ['ignore', 'pipe', 'pipe']})
    let output = ''
    child.stdout.on('data', (d: Buffer) => { output += d.toString() })
    child.stderr.on('data', (d: Buffer) => { output += d.toString() })
    const exited = new Promise<string>((r) => child.on('close', (code, sig) => r(sig ?? String(code))))
    const pid = child.pid!
    const send = () => {
      try { process.kill(target === 'group' ? -pid : pid, spec.signal) } catch { /* already gone */ }
    }
    const timer = setTimeout(() => {
      send()
      if (second) setTimeout(send, secondDelay)
    }, delayMs)
    const ended = await exited
    clearTimeout(timer)
    // Children of a killed dsynth (a `mount -a` in flight) finish on their own; wait for the whole group.
    for (let waited = 0; ; waited += 10) {
      try { process.kill(-pid, 0) } catch { break }
      if (waited > 30_000) { failures.push('processes of the killed run still alive after 30 s'); break }
      await sleep(10)
    }
    const mountsAfterKill = await slotMountCount(spec.base)
    // any of dsynth's own statuses is fine here (a killed `mount` child makes an interrupted apply fail); a crash is not
    if (!['0', '1', '2', '130', spec.signal].includes(ended) || /\n\s+at .+:\d+:\d+/.test(output)) {
      failures.push(`killed run ended with ${ended}: ${output.slice(-600)}`)
    }
    const converge = await cli(['apply', '-y'])
    if (converge.code !== 0) failures.push(`next apply exited ${converge.code}: ${converge.out.slice(-800)}`)
    // a lock that stays held: what runs as its pid now (Linux), to tell a live holder from a reused pid
    const held = /locked by pid (\d+)/.exec(converge.out)?.[1]
    if (held !== undefined) {
      const read = (f: string) => { try { return readFileSync(f, 'utf8') } catch (e) { return `(${(e as Error).message})` } }
      const status = read(`/proc/${held}/status`).split('\n').filter((l) => /^(Name|Tgid|Pid|PPid):/.test(l)).join(', ')
      failures.push(`pid ${held} now: ${status}; stat ${read(`/proc/${held}/stat`).slice(0, 240)}; ${/btime \d+/.exec(read('/proc/stat'))?.[0]}; now ${Date.now()}`)
    }
    const plan = await cli(['plan', '--detailed-exitcode'])
    if (plan.code !== 0) failures.push(`plan --detailed-exitcode exited ${plan.code}: ${plan.out.slice(-800)}`)
    const outside = diffLines(baseline, await mountsOutsideSlots(spec.base))
    if (outside.length > 0) failures.push(`mounts outside the slots changed: ${outside.join(' | ')}`)
    const changed = diffSnapshots(sources, await snapshotTrees(spec.sources))
    if (changed.length > 0) failures.push(`source trees changed: ${changed.join(' | ')}`)
    for (let i = 0; i < spec.builders; i++) {
      const slot = `${spec.base}/SL${String(i).padStart(2, '0')}`
      if (!existsSync(`${slot}/etc/passwd`)) failures.push(`${slot} has no Template (etc/passwd missing)`)
    }
    if (existsSync(path.join(spec.base, '.dsynth-slots.lock'))) failures.push('the lock file is left after a successful apply')
    const leftovers = (await readdir(tmp)).filter((n) => n.startsWith('dsynth-')).length
      + (await readdir(spec.base)).filter((n) => n.startsWith('.dsynth-slots.lock.')).length
    const result: TrialResult = {trial, start, delayMs, signal: spec.signal, target, second, ended, mountsBefore, mountsAfterKill,
      convergeRc: converge.code, planRc: plan.code, leftovers, failures, ms: Date.now() - ts,
      ...(ended === '1' || ended === '2' ? {ownFailure: output.slice(-600)} : {})}
    process.stdout.write(JSON.stringify(result) + '\n')
  }
  const summary: DriverSummary = {done: true, kind: spec.kind, signal: spec.signal, seed: spec.seed, runMs, startupMs, windowMs, totalMs: Date.now() - t0}
  process.stdout.write(JSON.stringify(summary) + '\n')
}

await main(JSON.parse(process.argv[2] ?? process.env.DSYNTH_KILL_SPEC ?? "") as KillSpec)
