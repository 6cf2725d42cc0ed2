/** A small seeded PRNG (mulberry32), so that every trial can be replayed from its printed seed. */
export class Rng {
  private state: number

  constructor(readonly seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]
  }
}

/** The seed for this run: `DSYNTH_SEED` when set (to replay a failure), else a fresh one. */
export function runSeed(): number {
  const env = process.env.DSYNTH_SEED
  return env === undefined || env === '' ? Math.floor(Math.random() * 2 ** 31) : Number(env)
}
