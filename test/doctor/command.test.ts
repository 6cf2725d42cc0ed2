import {writeFile} from 'node:fs/promises'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import type {DoctorReport} from '../../src/doctor/types.js'
import {ANSI, ROOT, requireBuild, runCli} from '../helpers/cli.js'
import {expectGolden} from '../helpers/golden.js'

/** The seed report, captured: `--mounts` plus its dsynth.ini. */
const SEED = ['--mounts', 'test/fixtures/mounttables/seed-tripled.txt', '--platform', 'dragonfly', '--config', 'test/fixtures/config/seed-tripled.ini']

/** Output with the checkout's path replaced, so golden files do not depend on where the repository lives. */
const portable = (text: string) => text.split(ROOT).join('<repo>/')

describe('commands/doctor (the built CLI)', () => {
  before(requireBuild)
  let tmp: string
  beforeEach(() => { tmp = mkdtempSync(path.join(os.tmpdir(), 'dsynth-doctor-cli-')) })
  afterEach(() => rmSync(tmp, {recursive: true, force: true}))

  it('the seed report: a colour-free checklist, host checks skipped, exit 2', async () => {
    const r = await runCli(['doctor', ...SEED], {env: {NO_COLOR: '1'}})
    expect(r.code).to.equal(2)
    expect(r.stderr).to.equal('')
    expectGolden('doctor-cli-seed.txt', portable(r.stdout))
  })

  it('--json prints the report document (and still exits 2)', async () => {
    const r = await runCli(['doctor', ...SEED, '--json'])
    expect(r.code).to.equal(2)
    const doc = JSON.parse(r.stdout) as DoctorReport
    expect([doc.formatVersion, doc.live, doc.exit, doc.summary]).to.deep.equal([1, false, 2, {ok: 1, warning: 7, problem: 1, skipped: 8}])
    expect(doc.checks.find((c) => c.id === 'slot-stacked')).to.deep.include({slot: 'SL00', status: 'problem',
      summary: '3 layers, 66 mounts, expected 1 layer of 22', fix: 'unmount the 44 stacked mounts of layers 2-3, newest first', repair: 'fix'})
    expect(doc.repair.plan.summary).to.deep.equal({mount: 154, remount: 0, unmount: 44})
  })

  it('--verbose shows the mount lines; colour when forced', async () => {
    const r = await runCli(['doctor', ...SEED, '--verbose'], {env: {FORCE_COLOR: '1'}})
    expect(r.stdout).to.match(ANSI)
    expect(r.stdout.replace(new RegExp(ANSI.source, 'g'), '')).to.include('      - tmpfs on /build/SL00 (tmpfs, local)')
  })

  it('--plan: a half-written saved plan is a problem', async () => {
    const file = path.join(tmp, 'half.plan')
    await writeFile(file, '{"kind": "dsynth-pl')
    const r = await runCli(['doctor', ...SEED, '--plan', file, '--json'])
    const doc = JSON.parse(r.stdout) as DoctorReport
    expect(doc.checks.find((c) => c.id === 'saved-plan')).to.deep.include({status: 'problem'})
  })

  // [arguments, what stderr says] — usage errors exit 1 and change nothing
  const USAGE: [string[], RegExp][] = [
    [[...SEED, '--fix'], /--mounts/],
    [[...SEED, '--kill'], /--fix/],
    [['--config', 'test/fixtures/config/seed-tripled.ini', '--fix', '--json'], /--auto-approve/],
  ]
  for (const [args, message] of USAGE) {
    it(`refuses doctor ${args.filter((a) => a.startsWith('--') && !['--mounts', '--platform', '--config'].includes(a)).join(' ')} (exit 1)`, async () => {
      const r = await runCli(['doctor', ...args])
      expect(r.code).to.equal(1)
      expect(r.stderr + r.stdout).to.match(message)
    })
  }
})
