import {copyFile, mkdir, rename, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {SlotSpec} from '../layout/types.js'
import {PortLog, phaseFooter, phaseHeader, watchdogMessage} from './logs.js'
import {SETUP_PHASE, phaseEnv, watchdogMs, workerEnv, type Phase, type WatchdogOptions} from './phases.js'
import type {Runner} from './query.js'
import type {PortNode, SlotOps} from './types.js'

/** What is the same for every port of a run. */
export interface PortRunContext {
  /** Runs a command on the host (Platform.run). */
  run: Runner
  /** The argv that runs `argv` inside a slot (Platform.chrootArgv). */
  chrootArgv: (slotDir: string, argv: string[]) => string[]
  /** Resets and cleans slots. */
  slotOps: SlotOps
  /** The make program inside the slot (`/usr/bin/make`, `bmake`). */
  make: string
  /** The argv, inside the slot, that installs one dependency package (`/packages/All/<file>`). */
  installArgv: (file: string) => string[]
  /** The full text of the slot's /etc/make.conf. */
  makeConf: string
  /** The make phases, in order. */
  phases: Phase[]
  /** Directory_repository: where packages land. */
  repository: string
  /** Directory_logs: where the port log is written. */
  logsDir: string
  /** Watchdog minutes and their length. */
  watchdog?: WatchdogOptions
  /** Extra worker environment (UNAME_s...). */
  env?: Record<string, string>
  /** Aborting stops the port (Ctrl-C); the caller kills what runs in the slot. */
  signal?: AbortSignal
  /** Clock in milliseconds. */
  now?: () => number
}

/** One port to build in one slot. */
export interface PortJob {
  /** The graph node (never a dummy). */
  node: PortNode
  /** The slot to build in. */
  slot: SlotSpec
  /** Package files of the dependencies to install first, in order. */
  installFiles: string[]
  /** Called when a phase starts. */
  onPhase?: (phase: string) => void
}

/** How one port's build ended. */
export interface PortResult {
  /** built: the package is in the repository; interrupted: stopped by the signal. */
  status: 'built' | 'failed' | 'interrupted'
  /** The failing or interrupted phase, or null when built. */
  phase: string | null
  /** Why it failed, one line ('' when built). */
  reason: string
  /** Wall time in milliseconds. */
  ms: number
  /** The port log written. */
  logFile: string
}

/** Where the port's package is left in the slot (C: /construction/<portdir>/pkg/<file>). */
export function slotPackagePath(slotDir: string, portdir: string, pkgfile: string): string {
  return path.join(slotDir, 'construction', portdir, 'pkg', pkgfile)
}

/**
 * Builds one port in a clean slot, the way C dsynth's worker does: reset the slot, write
 * /etc/make.conf, install the dependency packages (phase `setup`), run each make phase in the
 * chroot with its watchdog, then copy the package to `<repository>/<file>.new` and rename it.
 * Never rejects: every failure is a result.
 */
export async function runPort(job: PortJob, ctx: PortRunContext): Promise<PortResult> {
  const now = ctx.now ?? Date.now
  const t0 = now()
  const {node, slot} = job
  const log = new PortLog(ctx.logsDir, node.origin)
  const done = async (status: PortResult['status'], phase: string | null, reason: string): Promise<PortResult> => {
    await log.close()
    return {status, phase, reason, ms: now() - t0, logFile: log.file}
  }
  const interrupted = () => ctx.signal?.aborted === true
  const worker = workerEnv(node.flavor, ctx.env)

  try {
    await ctx.slotOps.resetSlot(slot)
    await mkdir(path.join(slot.dir, 'etc'), {recursive: true})
    await writeFile(path.join(slot.dir, 'etc', 'make.conf'), ctx.makeConf)
  } catch (e) {
    log.write(`dsynth: cannot prepare slot ${slot.name}: ${(e as Error).message}\n`)
    return done(interrupted() ? 'interrupted' : 'failed', 'setup', `cannot prepare slot ${slot.name}`)
  }

  const phases: {phase: Phase; argvs: string[][]}[] = []
  if (job.installFiles.length > 0) {
    phases.push({phase: SETUP_PHASE, argvs: job.installFiles.map((f) => ctx.chrootArgv(slot.dir, ctx.installArgv(f)))})
  }
  for (const phase of ctx.phases) {
    phases.push({phase, argvs: [ctx.chrootArgv(slot.dir, [ctx.make, '-C', `/xports/${node.portdir}`, phase.name])]})
  }

  for (const {phase, argvs} of phases) {
    if (interrupted()) return done('interrupted', phase.name, 'interrupted')
    job.onPhase?.(phase.name)
    const p0 = now()
    log.write(phaseHeader(phase.name))
    let failure: string | null = null
    for (const [i, argv] of argvs.entries()) {
      if (phase === SETUP_PHASE) log.write(`Installing /packages/All/${job.installFiles[i]}\n`)
      failure = await runPhaseCommand(argv, phaseEnv(worker, phase.name), phase, job, ctx, log)
      if (failure !== null) break
    }
    const last = phase.name === 'package' && failure === null
    log.write(phaseFooter(failure === null, now() - p0, last ? now() - t0 : undefined))
    if (interrupted()) return done('interrupted', phase.name, 'interrupted')
    if (failure !== null) return done('failed', phase.name, failure)
  }

  const pkgfile = node.pkgfile!
  const target = path.join(ctx.repository, pkgfile)
  try {
    await copyFile(slotPackagePath(slot.dir, node.portdir, pkgfile), target + '.new')
    await rename(target + '.new', target)
  } catch (e) {
    await rm(target + '.new', {force: true})
    log.write(`dsynth: unable to copy the package to ${target}: ${(e as Error).message}\n`)
    return done('failed', 'package', `unable to copy the package to ${target}`)
  }
  return done('built', null, '')
}

/** Runs one command of a phase with the no-output watchdog; resolves with null on success or why it failed. */
async function runPhaseCommand(
  argv: string[], env: Record<string, string>, phase: Phase, job: PortJob, ctx: PortRunContext, log: PortLog,
): Promise<string | null> {
  const stop = new AbortController()
  const onAbort = () => stop.abort()
  ctx.signal?.addEventListener('abort', onAbort, {once: true})
  const limit = watchdogMs(phase, ctx.watchdog)
  let fired = false
  const timer = setTimeout(() => {
    fired = true
    log.write(watchdogMessage(job.node.portdir, phase.name, limit / (ctx.watchdog?.unitMs ?? 60_000), job.slot.name))
    stop.abort()
    // The direct child gets SIGTERM through the signal; everything else in the slot goes too.
    ctx.slotOps.killInSlot(job.slot).catch(() => {})
  }, limit)
  try {
    const res = await ctx.run(argv, {
      env,
      detached: true,
      signal: stop.signal,
      onOutput: (chunk) => {
        log.write(chunk)
        timer.refresh()
      },
    })
    if (fired) return `watchdog timeout in ${phase.name}`
    if (ctx.signal?.aborted) return 'interrupted'
    if (res.exitCode !== 0) return `${phase.name} exited ${res.exitCode ?? res.signal}`
    return null
  } catch (e) {
    log.write(`dsynth: cannot run ${argv.join(' ')}: ${(e as Error).message}\n`)
    return `cannot run ${argv[0]}`
  } finally {
    clearTimeout(timer)
    ctx.signal?.removeEventListener('abort', onAbort)
  }
}
