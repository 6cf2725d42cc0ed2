import {expect} from 'chai'
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {runCommand} from '../../src/platform/exec.js'
import {runBuild, type RunBuildOptions} from '../../src/build/run-build.js'
import {buildToolsFor} from '../../src/build/tools.js'
import {hostChrootArgv, hostConfig, hostSlotOps, hostSlots} from './host-slots.js'

/** True when a program runs (bmake and cc are what the demo ports need). */
async function have(argv: string[]): Promise<boolean> {
  try {
    return (await runCommand(argv)).exitCode === 0
  } catch {
    return false
  }
}

/** stdout of a command that must succeed. */
async function output(argv: string[]): Promise<string> {
  const r = await runCommand(argv)
  expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).to.equal(0)
  return r.stdout
}

// The real engine on examples/ports with real bmake and cc, two slots as plain directories:
// chrootArgv is replaced by path rewriting, so no root, chroot or mounts are needed.
describe('build: examples/ports end to end (bmake, cc, no chroot)', function () {
  this.timeout(120_000)
  const base = mkdtempSync(path.join(tmpdir(), 'dsynth-e2e-'))
  const config = hostConfig(base)
  const d = config.directories
  const options = (): RunBuildOptions => ({
    origins: ['meta/everything'], config, slots: hostSlots(base, 2),
    platform: {run: runCommand, chrootArgv: hostChrootArgv(config)},
    slotOps: hostSlotOps(), tools: buildToolsFor('linux'),
    watchdog: {unitMs: 1000},
  })
  const log = (name: string) => readFileSync(path.join(d.logs, name), 'utf8')

  before(async function () {
    if (!(await have(['bmake', '-f', '/dev/null', '-V', 'MAKE_VERSION'])) || !(await have(['cc', '--version']))) {
      // .ci/run installs them (apt-get install bmake gcc); say so instead of passing silently.
      console.warn('    (skipped: bmake or cc missing; apt-get install -y bmake gcc)')
      this.skip()
    }
    for (const dir of [d.packages, d.distfiles, d.options, d.buildbase]) mkdirSync(dir, {recursive: true})
  })

  after(() => rmSync(base, {recursive: true, force: true}))

  let first: Awaited<ReturnType<typeof runBuild>>

  it('builds every buildable port of the meta port on two slots', async () => {
    first = await runBuild(options())
    expect([...first.built].sort()).to.deep.equal([
      'devel/libbase', 'devel/libgreet', 'devel/libmid', 'misc/goodbye@loud', 'misc/goodbye@quiet', 'misc/hello', 'misc/top',
    ])
    expect(readdirSync(d.repository).sort()).to.deep.equal([
      'goodbye-1.0.tgz', 'goodbye-loud-1.0.tgz', 'hello-1.0.tgz', 'libbase-0.1.tgz', 'libgreet-1.2.tgz', 'libmid-0.1.tgz', 'top-0.1.tgz',
    ])
    expect(first.ok).to.equal(false)
  })

  it('packages programs that run: misc/top links libmid and, through it, libbase', async () => {
    const root = path.join(base, 'unpacked')
    mkdirSync(root)
    for (const p of ['top-0.1.tgz', 'goodbye-loud-1.0.tgz']) await output(['tar', '-xf', path.join(d.repository, p), '-C', root])
    expect(await output([path.join(root, 'bin/top')])).to.equal('the answer is 42\n')
    expect(await output([path.join(root, 'bin/goodbye')])).to.equal('GOODBYE (flavor loud)\n')
  })

  it('lists the failing port in 02_failure_list.log and its log shows the failing phase', () => {
    expect(first.failed).to.deep.equal([{origin: 'misc/broken', phase: 'build'}])
    expect(log('02_failure_list.log')).to.match(/^\[00[01]\] FAILURE misc\/broken 1 +build \d\d:\d\d:\d\d\n$/)
    const portLog = log('misc___broken.log')
    expect(portLog).to.match(/-- Phase: build\n-{79}\n[^]*this_does_not_compile[^]*\nFAILED \d\d:\d\d:\d\d\n\n$/)
    expect(portLog).to.not.contain('-- Phase: run-depends')
  })

  it('skips the dependent of the failing port and lists the ignored one', () => {
    expect(first.skipped.map((s) => s.origin)).to.deep.equal(['meta/everything', 'misc/needs-broken'])
    expect(log('04_skipped_list.log')).to.contain('[XXX] misc/needs-broken skipped due to misc/broken\n')
    expect(log('03_ignored_list.log')).to.equal('[XXX] misc/ignored 1 ignored due to is marked IGNORE to show how dsynth reports it\n')
    expect(log('01_success_list.log').match(/SUCCESS/g)).to.have.length(7)
    expect(log('misc___top.log')).to.match(/-- Phase: setup\n-{79}\nInstalling \/packages\/All\/libbase-0.1.tgz\nInstalling \/packages\/All\/libmid-0.1.tgz\n/)
    expect(log('misc___top.log')).to.match(/TOTAL TIME \d\d:\d\d:\d\d\n\n$/)
  })

  it('builds nothing on a second run', async () => {
    const mtimes = readdirSync(d.repository).map((f) => statSync(path.join(d.repository, f)).mtimeMs)
    const again = await runBuild(options())
    expect(again.built).to.deep.equal([])
    expect(again.upToDate).to.have.length(7)
    expect(readdirSync(d.repository).map((f) => statSync(path.join(d.repository, f)).mtimeMs)).to.deep.equal(mtimes)
  })
})
