/** Statistics and the alternating runner shared by every benchmark. */

/** Median of a non-empty list (mean of the two middle values for an even length). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Rounds to `digits` decimals (for readable JSON). */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** One contender of an alternating measurement. `run` returns the measured milliseconds. */
export interface Case {
  name: string
  /** Brings the world into the state the run starts from; not timed. */
  setup?: () => void
  /** The timed part; returns milliseconds. */
  run: () => number
  /** Verifies the run did its job (throws otherwise); not timed. */
  check?: () => void
  /** Undoes the run; not timed. */
  teardown?: () => void
}

/** How many rounds to run. */
export interface Rounds {
  warmup: number
  runs: number
}

/**
 * Runs every case once per round, `warmup` rounds thrown away, then `runs` kept. The order rotates each
 * round (A B C, B C A, C A B...) so that no contender always runs first, right after the previous one's
 * teardown, or in the same phase of a periodic disturbance. Returns the kept milliseconds per case.
 */
export function alternate(cases: readonly Case[], rounds: Rounds, log: (s: string) => void = () => undefined): Record<string, number[]> {
  const out: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.name, []]))
  const total = rounds.warmup + rounds.runs
  for (let r = 0; r < total; r++) {
    const order = cases.map((_, i) => cases[(i + r) % cases.length])
    const line: string[] = []
    for (const c of order) {
      c.setup?.()
      const ms = c.run()
      c.check?.()
      c.teardown?.()
      if (r >= rounds.warmup) out[c.name].push(ms)
      line.push(`${c.name} ${ms.toFixed(1)}`)
    }
    log(`  ${r < rounds.warmup ? 'warm-up' : `run ${r - rounds.warmup + 1}/${rounds.runs}`}: ${line.join(', ')} ms`)
  }
  return out
}

/** Median of the per-round ratios a[i] / b[i] (rounds are paired: both ran in the same round). */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length)
  return median(Array.from({length: n}, (_, i) => a[i] / b[i]))
}
