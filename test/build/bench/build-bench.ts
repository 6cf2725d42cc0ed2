// Benchmark of the build engine (issue 5, "Speed"): 200 synthetic ports whose build phase is a
// fixed sleep, 8 slots, through the real runBuild (queries, graph, logs, make.conf, package copy)
// with an in-process platform. Prints the makespan against the best possible time and the
// engine's own overhead per port. Run: npx tsx test/build/bench/build-bench.ts [sleepMs] [seed]
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import type {RunOptions, RunResult} from '../../../src/platform/exec.js'
import {runBuild} from '../../../src/build/run-build.js'
import {buildToolsFor} from '../../../src/build/tools.js'
import {answer, originOfQuery, result} from '../answers.js'
import {hostConfig, hostSlots} from '../host-slots.js'
import {lowerBound, simulate, syntheticTree} from '../synthetic.js'

const SLOTS = 8
const sleepMs = Number(process.argv[2] ?? 200)
const seed = Number(process.argv[3] ?? 7)
const tree = syntheticTree(200, seed, 3)
const base = mkdtempSync(path.join(tmpdir(), 'dsynth-bench-'))
const portsdir = path.join(base, 'ports')
const answers = new Map<string, string>()
for (const n of tree) {
  mkdirSync(path.join(portsdir, n.id), {recursive: true})
  writeFileSync(path.join(portsdir, n.id, 'Makefile'), '')
  answers.set(n.id, answer({PKGVERSION: '1', 'PKGFILE:T': `${n.id.split('/')[1]}-1.pkg`, BUILD_DEPENDS: n.deps.map((d) => `x:${d}`).join(' ')}))
}
tree.push({id: 'syn/all', deps: tree.map((n) => n.id)})
mkdirSync(path.join(portsdir, 'syn/all'), {recursive: true})
answers.set('syn/all', answer({PKGVERSION: '1', 'PKGFILE:T': 'all-1.pkg', RUN_DEPENDS: tree.slice(0, -1).map((n) => `x:${n.id}`).join(' '), USES: 'metaport'}))

const run = async (argv: string[], o: RunOptions = {}): Promise<RunResult> => {
  if (argv.includes('-V')) return result(argv, answers.get(originOfQuery(argv, portsdir))!)
  const phase = argv.at(-1)
  if (phase === 'build') await new Promise((r) => setTimeout(r, sleepMs))
  if (phase === 'package') {
    const portdir = argv[argv.indexOf('-C') + 1].replace('/xports/', '')
    const dir = path.join(argv[1], 'construction', portdir, 'pkg')
    mkdirSync(dir, {recursive: true})
    writeFileSync(path.join(dir, `${portdir.split('/')[1]}-1.pkg`), 'x')
  }
  o.onOutput?.(`${phase}\n`)
  return result(argv, '')
}

const config = hostConfig(base, portsdir)
const t0 = performance.now()
const s = await runBuild({
  origins: ['syn/all'], config, slots: hostSlots(base, SLOTS),
  platform: {run, chrootArgv: (dir, argv) => ['chroot', dir, ...argv]},
  slotOps: {resetSlot: async () => {}, killInSlot: async () => 0},
  tools: buildToolsFor('linux'),
})
const wall = performance.now() - t0
const bound = lowerBound(tree, SLOTS) * sleepMs
const ideal = simulate(tree, SLOTS).makespan * sleepMs
const overheadPerPort = ((wall - ideal) * SLOTS) / tree.length
console.log(`ports ${tree.length} (built ${s.built.length}), slots ${SLOTS}, build sleep ${sleepMs} ms, seed ${seed}`)
console.log(`best possible ${bound.toFixed(0)} ms   scheduler in virtual time ${ideal.toFixed(0)} ms   real ${wall.toFixed(0)} ms`)
console.log(`real / best possible = ${(wall / bound).toFixed(3)}  (goal <= 1.050)`)
console.log(`engine overhead per port = ${overheadPerPort.toFixed(1)} ms of slot time  (goal < 50 ms)`)
rmSync(base, {recursive: true, force: true})
