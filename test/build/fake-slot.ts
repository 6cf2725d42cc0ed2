import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import type {RunOptions, RunResult} from '../../src/platform/exec.js'
import type {PortRunContext} from '../../src/build/run-port.js'
import {makePhases} from '../../src/build/phases.js'
import type {SlotSpec} from '../../src/layout/types.js'
import type {PortNode, SlotOps} from '../../src/build/types.js'
import {result} from './answers.js'
import {scratchDir} from '../helpers/scratch.js'

/** One recorded command. */
export interface Call {
  argv: string[]
  env?: Record<string, string>
  detached?: boolean
}

/** How the fake slot answers one phase: exit status, output, or hang until killed. */
export interface PhaseScript {
  exit?: number
  output?: string
  hang?: boolean
}

/** A temporary slot, repository and logs directory, plus a fake runner that plays ports' phases. */
export function fakeSlotWorld(script: Record<string, PhaseScript> = {}) {
  const base = scratchDir('dsynth-port-')
  const slot: SlotSpec = {name: 'SL01', index: 1, dir: path.join(base, 'SL01'), mounts: []}
  const repository = path.join(base, 'packages', 'All')
  const logsDir = path.join(base, 'logs')
  for (const d of [slot.dir, repository, logsDir]) mkdirSync(d, {recursive: true})
  const calls: Call[] = []
  const ops: string[] = []
  const slotOps: SlotOps = {
    resetSlot: async (s) => { ops.push(`reset ${s.name}`) },
    killInSlot: async (s) => { ops.push(`kill ${s.name}`); return 1 },
  }
  const run = (argv: string[], opts: RunOptions = {}): Promise<RunResult> => {
    calls.push({argv, env: opts.env, detached: opts.detached})
    const phase = argv.at(-1)!
    const portdir = argv[argv.indexOf('-C') + 1]?.replace('/xports/', '')
    const s = script[phase] ?? {}
    if (s.output) opts.onOutput?.(s.output)
    if (phase === 'package' && (s.exit ?? 0) === 0) {
      const dir = path.join(argv[1], 'construction', portdir, 'pkg')
      mkdirSync(dir, {recursive: true})
      writeFileSync(path.join(dir, script.package?.output?.trim() || 'hello-1.0.tgz'), 'PKG')
    }
    if (s.hang) {
      return new Promise((resolve) => opts.signal?.addEventListener('abort', () => resolve({...result(argv, ''), exitCode: null, signal: 'SIGTERM'})))
    }
    return Promise.resolve(result(argv, s.output ?? '', s.exit ?? 0))
  }
  const ctx: PortRunContext = {
    run,
    chrootArgv: (dir, argv) => ['chroot', dir, ...argv],
    slotOps,
    make: 'bmake',
    installArgv: (f) => ['tar', '-xf', `/packages/All/${f}`, '-C', '/usr/local'],
    makeConf: 'PORTSDIR=/xports\n',
    phases: makePhases(),
    repository,
    logsDir,
  }
  return {base, slot, repository, logsDir, calls, ops, ctx}
}

/** A plain port node. */
export function portNode(origin: string, pkgfile = 'hello-1.0.tgz', flavor: string | null = null): PortNode {
  return {origin, portdir: origin.split('@')[0], flavor, pkgfile, version: '1.0', ignore: null, dummy: false, meta: false, deps: []}
}
