import {expect} from 'chai'
import {mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {BuildError} from '../../src/errors.js'
import type {RunOptions, RunResult} from '../../src/platform/exec.js'
import {parseQueryAnswer} from '../../src/build/query.js'
import {runBuild, type RunBuildOptions} from '../../src/build/run-build.js'
import {buildToolsFor} from '../../src/build/tools.js'
import type {BuildEvent} from '../../src/build/types.js'
import {answeringRunner, loadAnswers, result} from './answers.js'
import {hostConfig, hostSlots} from './host-slots.js'
import {scratchDir} from '../helpers/scratch.js'

/**
 * A build world without processes: captured answers for the demo tree (rewritten to a temporary
 * ports tree of empty port directories), phases that succeed unless scripted, slots under base.
 */
function world(opts: {fail?: Record<string, string>; hang?: string} = {}) {
  const base = scratchDir('dsynth-runbuild-')
  const portsdir = path.join(base, 'ports')
  const answers = Object.fromEntries(Object.entries(loadAnswers()).map(([o, t]) => [o, t.replaceAll('/usr/ports', portsdir)]))
  for (const o of Object.keys(answers)) {
    mkdirSync(path.join(portsdir, o.split('@')[0]), {recursive: true})
    writeFileSync(path.join(portsdir, o.split('@')[0], 'Makefile'), '')
  }
  const config = hostConfig(base, portsdir)
  const query = answeringRunner(answers, portsdir)
  const calls: string[][] = []
  const slotCalls: string[] = []
  const run = async (argv: string[], o: RunOptions = {}): Promise<RunResult> => {
    if (argv.includes('-V')) return query(argv, o)
    calls.push(argv)
    const phase = argv.at(-1)!
    const portdir = argv[argv.indexOf('-C') + 1]?.replace('/xports/', '')
    const origin = o.env?.FLAVOR ? `${portdir}@${o.env.FLAVOR}` : portdir
    if (opts.hang === origin && phase === 'build') {
      return new Promise((resolve) => o.signal?.addEventListener('abort', () => resolve({...result(argv, ''), exitCode: null, signal: 'SIGTERM'})))
    }
    if (opts.fail?.[origin] === phase) return result(argv, '', 1)
    if (phase === 'package') {
      const pkg = parseQueryAnswer(origin, answers[origin], portsdir).pkgfile
      mkdirSync(path.join(argv[1], 'construction', portdir, 'pkg'), {recursive: true})
      writeFileSync(path.join(argv[1], 'construction', portdir, 'pkg', pkg), origin)
    }
    return result(argv, '')
  }
  const events: BuildEvent[] = []
  const options = (over: Partial<RunBuildOptions> = {}): RunBuildOptions => ({
    origins: ['meta/everything'], config, slots: hostSlots(base, 2),
    platform: {run, chrootArgv: (dir, argv) => ['chroot', dir, ...argv]},
    slotOps: {resetSlot: async (s) => { slotCalls.push(`reset ${s.name}`) }, killInSlot: async (s) => { slotCalls.push(`kill ${s.name}`); return 0 }},
    tools: buildToolsFor('linux'), onEvent: (e) => events.push(e), ...over,
  })
  return {base, config, calls, slotCalls, events, options}
}

const DEMO_BUILDABLE = ['devel/libbase', 'devel/libgreet', 'devel/libmid', 'misc/goodbye@loud', 'misc/goodbye@quiet', 'misc/hello', 'misc/top']

describe('build/run-build', () => {
  it('dry run: returns the order and what would be skipped, builds nothing, writes nothing', async () => {
    const w = world()
    const s = await runBuild(w.options({dryRun: true}))
    expect(s).to.deep.include({dryRun: true, interrupted: false, built: [], notBuilt: []})
    expect(s.order).to.deep.equal([
      'devel/libbase', 'devel/libgreet', 'devel/libmid', 'misc/broken', 'misc/goodbye@loud', 'misc/goodbye@quiet',
      'misc/hello', 'misc/needs-broken', 'misc/top',
    ])
    expect(s.ignored).to.deep.equal([{origin: 'misc/ignored', reason: 'is marked IGNORE to show how dsynth reports it'}])
    expect(s.skipped).to.deep.equal([{origin: 'meta/everything', reason: 'misc/ignored'}])
    expect(w.calls).to.deep.equal([])
    expect(w.slotCalls).to.deep.equal([])
    expect(w.events).to.deep.equal([])
    expect(() => readdirSync(w.config.directories.logs)).to.throw()
    expect(JSON.parse(JSON.stringify(s))).to.deep.equal(s)
  })

  it('builds on the slots, fails and skips like C dsynth, then finds everything up to date', async () => {
    // GIVEN misc/broken fails in build
    const w = world({fail: {'misc/broken': 'build'}})
    const s = await runBuild(w.options())
    // THEN every buildable port is built, the failure is reported with its phase, its dependents skipped
    expect([...s.built].sort()).to.deep.equal(DEMO_BUILDABLE)
    expect(s.failed).to.deep.equal([{origin: 'misc/broken', phase: 'build'}])
    expect(s.skipped).to.deep.equal([
      {origin: 'meta/everything', reason: 'misc/ignored'},
      {origin: 'misc/needs-broken', reason: 'misc/broken'},
    ])
    expect(s.ok).to.equal(false)
    expect(readdirSync(w.config.directories.repository).sort()).to.deep.equal([
      'goodbye-1.0.tgz', 'goodbye-loud-1.0.tgz', 'hello-1.0.tgz', 'libbase-0.1.tgz', 'libgreet-1.2.tgz', 'libmid-0.1.tgz', 'top-0.1.tgz',
    ])
    const logs = (n: string) => readFileSync(path.join(w.config.directories.logs, n), 'utf8')
    expect(logs('02_failure_list.log')).to.match(/^\[00\d\] FAILURE misc\/broken 1 +build 00:00:00\n$/)
    expect(logs('03_ignored_list.log')).to.equal('[XXX] misc/ignored 1 ignored due to is marked IGNORE to show how dsynth reports it\n')
    expect(logs('04_skipped_list.log')).to.contain('[XXX] misc/needs-broken skipped due to misc/broken\n')
    expect(logs('01_success_list.log').trim().split('\n')).to.have.length(7)
    expect(w.events.filter((e) => e.type === 'start')).to.have.length(8)
    expect(w.slotCalls.filter((c) => c.startsWith('reset'))).to.have.length(8)
    // The install set of misc/top includes libbase through libmid's LIB_DEPENDS.
    expect(w.calls.filter((a) => a[2] === 'tar').map((a) => a[4]))
      .to.include.members(['/packages/All/libbase-0.1.tgz', '/packages/All/libmid-0.1.tgz'])

    // WHEN it runs again THEN nothing is built, only the failing port is retried
    w.calls.length = 0
    const again = await runBuild(w.options())
    expect(again.built).to.deep.equal([])
    expect(again.upToDate).to.deep.equal(DEMO_BUILDABLE)
    expect(again.order).to.deep.equal(['misc/broken'])
  })

  it('--force rebuilds the named origin only', async () => {
    const w = world()
    await runBuild(w.options({origins: ['misc/hello']}))
    const s = await runBuild(w.options({origins: ['misc/hello'], force: true}))
    expect(s.built).to.deep.equal(['misc/hello'])
    expect(s.upToDate).to.deep.equal(['devel/libgreet'])
  })

  it('builds an unflavored flavored root as all its flavors and a meta-node', async () => {
    const w = world()
    const s = await runBuild(w.options({origins: ['misc/goodbye']}))
    expect([...s.built].sort()).to.deep.equal(['devel/libgreet', 'misc/goodbye@loud', 'misc/goodbye@quiet'])
    expect(s.ok).to.equal(true)
    expect(readFileSync(path.join(w.config.directories.logs, '01_success_list.log'), 'utf8')).to.contain('[XXX] misc/goodbye meta-node complete\n')
  })

  it('on abort: starts nothing new, kills inside busy slots, reports what was built', async () => {
    const ctl = new AbortController()
    const w = world({hang: 'devel/libmid'})
    const s = await runBuild(w.options({
      signal: ctl.signal, slots: hostSlots(w.base, 1), origins: ['misc/top'],
      onEvent: (e) => { if (e.type === 'phase' && e.origin === 'devel/libmid' && e.phase === 'build') setTimeout(() => ctl.abort(), 5) },
    }))
    expect(s).to.deep.include({interrupted: true, ok: false, built: ['devel/libbase'], notBuilt: ['devel/libmid', 'misc/top']})
    expect(w.slotCalls).to.include('kill SL00')
    expect(readFileSync(path.join(w.config.directories.logs, '00_last_results.log'), 'utf8')).to.match(/INTERRUPTED devel\/libmid +build/)
  })

  it('names an unknown origin', async () => {
    const w = world()
    try {
      await runBuild(w.options({origins: ['misc/nope']}))
      expect.fail('expected an error')
    } catch (e) {
      expect(e).to.be.instanceOf(BuildError)
      expect((e as Error).message).to.contain('port not found: misc/nope')
    }
  })
})
