/**
 * Entry point run by runScenario() as `unshare --mount --propagation private node --import tsx bench/lib/ns-worker.ts`.
 * Refuses to do anything unless it is in a mount namespace of its own and the world is a benchmark directory
 * under os.tmpdir(). Prints progress on stderr and one JSON line (the WorkerResult, or {error}) on stdout.
 */
import {readlinkSync, realpathSync} from 'node:fs'
import os from 'node:os'
import {atOrBelow} from './proc.js'
import {SCENARIOS, type WorkerRequest, makeCtx} from './scenarios.js'

const log = (s: string) => process.stderr.write(s + '\n')

async function main(): Promise<void> {
  const req = JSON.parse(process.env.DSYNTH_BENCH_REQUEST ?? 'null') as WorkerRequest | null
  if (!req) throw new Error('no DSYNTH_BENCH_REQUEST')
  if (readlinkSync('/proc/self/ns/mnt') === req.hostNamespace) throw new Error('not in a private mount namespace: refusing to mount')
  const tmp = realpathSync(os.tmpdir())
  if (!atOrBelow(req.dir, tmp) || req.dir === tmp || !req.dir.includes('/dsynth-bench-') || !atOrBelow(req.base, req.dir)) {
    throw new Error(`refusing to work outside a benchmark directory under ${tmp}: ${req.dir}`)
  }
  process.env.LIBMOUNT_UTAB = `${req.dir}/utab`
  const ctx = await makeCtx(req, log)
  if (ctx.slotMounts().length > 0) throw new Error(`${req.base} already has mounts`)
  const result = SCENARIOS[req.scenario](ctx)
  process.stdout.write(JSON.stringify(result) + '\n')
}

main().catch((e: unknown) => {
  process.stdout.write(JSON.stringify({error: String((e as Error)?.stack ?? e)}) + '\n')
  process.exitCode = 1
})
