import {existsSync, readFileSync, statSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {ANSI, type CliResult, requireBuild, runCli} from '../helpers/cli.js'
import {expectGolden} from '../helpers/golden.js'
import {fixture, GOLDEN_CASES} from '../render/cases.js'

/**
 * `dsynth plan`, run as the built CLI (./bin/run.js) on captured tables: nothing on the host is probed with --mounts.
 * Human output is compared with the same golden files as the renderer tests, so the command adds nothing of its own.
 */

const SEED = ['--mounts', fixture('mounttables', 'seed-tripled.txt'), '--config', fixture('config', 'seed-tripled.ini'), '--platform', 'dragonfly']
const CLEAN = ['--mounts', fixture('mounttables', 'clean-two-slots.txt'), '--config', fixture('config', 'two-slots.ini'), '--platform', 'dragonfly']

/** Runs `plan` with these arguments. */
function plan(args: readonly string[], opts: Parameters<typeof runCli>[1] = {}): Promise<CliResult> {
  return runCli(['plan', ...args], opts)
}

/** Asserts a failed run: exit 1, nothing on stdout, and an `Error:` naming every piece of `mentions` on stderr. */
function expectError(r: CliResult, ...mentions: string[]): void {
  expect(r.code, r.stderr).to.equal(1)
  expect(r.stdout).to.equal('')
  expect(r.stderr).to.match(/^Error: /)
  for (const m of mentions) expect(r.stderr).to.include(m)
}

describe('commands/plan (built CLI)', function () {
  this.timeout(120_000)
  let tmp: string
  before(async () => {
    requireBuild()
    tmp = await mkdtemp(path.join(os.tmpdir(), 'dsynth-plan-'))
  })
  after(async () => {
    if (tmp) await rm(tmp, {recursive: true, force: true})
  })

  describe('the seed report', () => {
    let r: CliResult
    before(async () => {
      r = await plan([...SEED, '--no-color'])
    })

    it('exits 0 without --detailed-exitcode, and prints nothing on stderr', () => {
      expect(r.code).to.equal(0)
      expect(r.stderr).to.equal('')
    })

    it('heads the SL00 block `SL00  stacked: 3 layers, 66 mounts` and ends with the summary line', () => {
      const lines = r.stdout.trimEnd().split('\n')
      expect(lines[0]).to.equal('dsynth plan: dragonfly, build base /build, 8 slots')
      expect(lines).to.include('SL00  stacked: 3 layers, 66 mounts')
      for (const n of [1, 2, 3, 4, 5, 6, 7]) expect(lines).to.include(`SL0${n}  missing: 0 layers, 0 mounts`)
      expect(lines.at(-1)).to.equal('Plan: 154 to mount, 0 to remount, 44 to unmount.')
    })
  })

  describe('human and JSON output equal the golden files of the renderer tests', () => {
    for (const c of GOLDEN_CASES) {
      const args = ['--mounts', fixture('mounttables', c.mounts), '--config', fixture('config', c.config), '--platform', c.platform,
        ...(c.destroy ? ['--destroy'] : []), ...(c.slots ?? []).flatMap((s) => ['--slot', s])]
      it(`${c.name}: plan ${args.filter((a) => !a.includes('/')).join(' ')}`, async () => {
        const human = await plan([...args, '--no-color'])
        expect(human.code, human.stderr).to.equal(0)
        expectGolden(`${c.name}.txt`, human.stdout)
        const json = await plan([...args, '--json'])
        expect(json.code, json.stderr).to.equal(0)
        expectGolden(`${c.name}.json`, json.stdout)
      })
    }
  })

  describe('--json', () => {
    it('prints one document with the fields the README documents, and nothing else', async () => {
      const r = await plan([...SEED, '--json'])
      expect(r.code).to.equal(0)
      expect(r.stdout).to.not.match(ANSI)
      const doc = JSON.parse(r.stdout)
      expect(Object.keys(doc)).to.deep.equal(['formatVersion', 'platform', 'buildBase', 'slots', 'mode', 'slotFilter', 'summary',
        'slotStates', 'changes', 'warnings', 'observed', 'fingerprint'])
      expect([doc.formatVersion, doc.platform, doc.buildBase, doc.slots, doc.mode, doc.slotFilter]).to.deep.equal([1, 'dragonfly', '/build', 8, 'apply', null])
      expect(doc.summary).to.deep.equal({mount: 154, remount: 0, unmount: 44})
      expect(doc.slotStates[0]).to.deep.equal({name: 'SL00', index: 0, state: 'stacked', layers: 3, observed: 66, desired: 22, hidden: 0})
      expect(doc.changes).to.have.length(198)
      expect(doc.changes[0]).to.deep.equal({action: 'unmount', slot: 'SL00', target: '/build/SL00/usr/local', fstype: 'tmpfs', source: 'tmpfs',
        options: ['local', 'rw'], reason: 'stacked', layer: 3})
      expect(doc.changes.at(-1)).to.deep.equal({action: 'mount', slot: 'SL07', target: '/build/SL07/usr/local', fstype: 'tmpfs', source: 'tmpfs',
        options: ['rw', 'size=16g'], reason: 'missing', layer: 0})
      expect(doc.observed).to.have.length(66)
      expect(doc.fingerprint).to.match(/^sha256:[0-9a-f]{64}$/)
    })

    it('with --detailed-exitcode still exits 2 on changes', async () => {
      const r = await plan([...SEED, '--json', '--detailed-exitcode'])
      expect(r.code).to.equal(2)
      expect(JSON.parse(r.stdout).summary.unmount).to.equal(44)
    })

    it('on an error prints a JSON error document and exits 1', async () => {
      const r = await plan([...SEED, '--json', '--slot', 'SL1'])
      expect(r.code).to.equal(1)
      expect(JSON.parse(r.stdout).error).to.include({code: 'BAD_SLOT'})
    })
  })

  describe('--detailed-exitcode', () => {
    // [case, arguments, exit status]
    const cases: Array<[string, string[], number]> = [
      ['changes present (seed)', SEED, 2],
      ['no changes (clean table)', CLEAN, 0],
      ['--destroy of the seed', [...SEED, '--destroy'], 2],
      ['--slot limited to slots that are ok', [...CLEAN, '--slot', 'SL01'], 0],
      ['an error (garbage mount table)', ['--mounts', fixture('config', 'seed-tripled.ini'), '--config', fixture('config', 'seed-tripled.ini'),
        '--platform', 'dragonfly'], 1],
      ['an error from oclif (unknown --platform value), never oclif\'s default 2', [...CLEAN.slice(0, 4), '--platform', 'hurd'], 1],
    ]
    for (const [name, args, code] of cases) {
      it(`${name}: ${code}`, async () => {
        const r = await plan([...args, '--detailed-exitcode', '--no-color'])
        expect(r.code, r.stderr).to.equal(code)
      })
    }

    it('a stray word after plan is an unknown command to oclif: exit 1 (never 2, which means changes), with help', async () => {
      const r = await runCli(['plan', 'typo', ...CLEAN, '--detailed-exitcode'])
      expect(r.code, r.stderr).to.equal(1)
      expect(r.stdout).to.equal('')
      expect(r.stderr).to.equal('Error: command plan typo not found\n  dsynth --help lists the commands\n')
    })

    it('a misspelt command: exit 1, the nearest command suggested; under --json one JSON line', async () => {
      const r = await runCli(['plna'])
      expect([r.code, r.stderr]).to.deep.equal([1, "Error: command plna not found\n  did you mean 'plan'?\n  dsynth --help lists the commands\n"])
      const j = await runCli(['doctr', '--json'])
      expect(j.code).to.equal(1)
      expect(j.stdout).to.equal('{"error":{"code":"USAGE","message":"command doctr not found","suggestions":["did you mean \'doctor\'?"]}}\n')
    })

    it('--json --diff puts the unified diff in the document; --config "" is a usage error', async () => {
      const r = await plan([...SEED, '--json', '--diff', '--slot', 'SL01'])
      const doc = JSON.parse(r.stdout) as {diff: string}
      expect(doc.diff).to.match(/^=+\n--- live\n\+\+\+ desired\n/)
      expect(doc.diff).to.include('+/build/SL01 tmpfs tmpfs rw')
      const e = await plan(['--config', '', '--mounts', fixture('mounttables', 'seed-tripled.txt')])
      expectError(e, '--config: the path is empty')
    })

    it('no changes prints the no-changes line', async () => {
      const r = await plan([...CLEAN, '--no-color'])
      expect(r.stdout.trimEnd().split('\n').at(-1)).to.equal('No changes. Slots match the configuration.')
    })
  })

  describe('colour', () => {
    // [case, extra arguments, environment, ANSI expected]
    const cases: Array<[string, string[], Record<string, string>, boolean]> = [
      ['a pipe by default', [], {}, false],
      ['--no-color', ['--no-color'], {}, false],
      ['NO_COLOR=1', [], {NO_COLOR: '1'}, false],
      ['FORCE_COLOR=1', [], {FORCE_COLOR: '1'}, true],
      ['--no-color beats FORCE_COLOR=1', ['--no-color'], {FORCE_COLOR: '1'}, false],
    ]
    for (const [name, args, env, ansi] of cases) {
      it(`${name}: ${ansi ? 'colour' : 'no ANSI escapes'}`, async () => {
        const r = await plan([...SEED, ...args], {env})
        expect(r.code).to.equal(0)
        expect(ANSI.test(r.stdout)).to.equal(ansi)
        if (ansi) expect(r.stdout.replace(/\u001b\[[0-9;]*m/g, '')).to.equal((await plan([...SEED, '--no-color'])).stdout)
      })
    }
  })

  it('--out FILE saves the plan (the --json document) with its metadata, readable only by its owner', async () => {
    const file = path.join(tmp, 'seed.plan')
    const r = await plan([...SEED, '--no-color', '--out', file])
    expect(r.code).to.equal(0)
    expect(r.stdout.trimEnd().split('\n').at(-1)).to.equal(`Saved the plan to ${file}. To perform exactly these actions, run: dsynth apply ${file}`)
    const saved = JSON.parse(readFileSync(file, 'utf8'))
    expect(saved).to.include({kind: 'dsynth-plan', configFile: fixture('config', 'seed-tripled.ini'), profile: 'LiveSystem'})
    expect(Number.isNaN(Date.parse(saved.savedAt))).to.equal(false)
    expect(saved.plan).to.deep.equal(JSON.parse((await plan([...SEED, '--json'])).stdout))
    expect(statSync(file).mode & 0o777).to.equal(0o600)
  })

  it('--out FILE also saves a plan without changes (its fingerprint covers the empty table too)', async () => {
    const file = path.join(tmp, 'clean.plan')
    const r = await plan([...CLEAN, '--json', '--out', file])
    expect(r.code).to.equal(0)
    expect(JSON.parse(readFileSync(file, 'utf8')).plan.fingerprint).to.equal(JSON.parse(r.stdout).fingerprint)
  })

  it('--diff also prints a unified diff of live and desired slot mounts', async () => {
    const r = await plan([...SEED, '--no-color', '--diff', '--slot', 'SL00', '--slot', 'SL01'])
    expect(r.code).to.equal(0)
    const patch = r.stdout.slice(r.stdout.indexOf('--- live'))
    expect(patch).to.match(/^--- live\n\+\+\+ desired\n@@ /)
    expect(patch).to.include('\n-/build/SL00 tmpfs tmpfs rw\n')
    expect(patch).to.include('\n+/build/SL01/xports null /build/synth/dports ro\n')
    expect(patch).to.not.include('SL02')
  })

  it('--mounts - reads the table from stdin', async () => {
    const r = await plan(['--mounts', '-', ...SEED.slice(2), '--no-color'], {stdin: readFileSync(fixture('mounttables', 'seed-tripled.txt'), 'utf8')})
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.equal((await plan([...SEED, '--no-color'])).stdout)
  })

  it('--slot SL03 limits the plan to that slot', async () => {
    const doc = JSON.parse((await plan([...SEED, '--json', '--slot', 'SL03'])).stdout)
    expect(doc.slotStates.map((s: {name: string}) => s.name)).to.deep.equal(['SL03'])
    expect(doc.summary).to.deep.equal({mount: 22, remount: 0, unmount: 0})
    expect(doc.slotFilter).to.deep.equal(['SL03'])
  })

  describe('bad input: exit 1, a message naming the file, line and value, nothing on stdout', () => {
    it('a garbage line in the mount table', async () => {
      const file = path.join(tmp, 'garbage.txt')
      await writeFile(file, 'tmpfs on /tmp (tmpfs, local)\n\nthis is not a mount line\n')
      expectError(await plan(['--mounts', file, ...SEED.slice(2)]), `${file}:3:`, 'this is not a mount line')
    })

    it('a garbage line on stdin is named <stdin>', async () => {
      expectError(await plan(['--mounts', '-', ...SEED.slice(2)], {stdin: 'garbage\n'}), '<stdin>:1:', 'garbage')
    })

    it('an unknown key in dsynth.ini, with a suggestion', async () => {
      const file = path.join(tmp, 'typo.ini')
      await writeFile(file, '[Global Configuration]\nprofile_selected= LiveSystem\n\n[LiveSystem]\nNumber_of_builder= 2\n')
      expectError(await plan([...SEED.slice(0, 2), '--config', file, '--platform', 'dragonfly']), `${file}:5:`, "'Number_of_builder'",
        "did you mean 'Number_of_builders'?")
    })

    it('--slot SL1 (not a slot name)', async () => {
      expectError(await plan([...SEED, '--slot', 'SL1']), '--slot SL1', 'SL00, SL07, SL100')
    })

    it('a --mounts file that does not exist', async () => {
      const file = path.join(tmp, 'no-such-table.txt')
      expectError(await plan(['--mounts', file, ...SEED.slice(2)]), file, 'ENOENT')
    })

    it('a --config file that does not exist', async () => {
      const file = path.join(tmp, 'no-such.ini')
      expectError(await plan([...SEED.slice(0, 2), '--config', file, '--platform', 'dragonfly']), file)
    })

    it('DSYNTH_CONFIG names the config file like --config', async () => {
      const file = path.join(tmp, 'env-missing.ini')
      expectError(await plan([...SEED.slice(0, 2), '--platform', 'dragonfly'], {env: {DSYNTH_CONFIG: file}}), file)
    })

    it('an unknown flag', async () => {
      expectError(await plan([...SEED, '--frobnicate']), '--frobnicate')
    })
  })

  it('without any config file warns on stderr and plans on the defaults', async function () {
    // the search path is fixed (/etc/dsynth, then /usr/local/etc/dsynth): only testable on a host that has neither file
    if (existsSync('/etc/dsynth/dsynth.ini') || existsSync('/usr/local/etc/dsynth/dsynth.ini')) this.skip()
    const r = await plan(['--mounts', fixture('mounttables', 'seed-tripled.txt'), '--platform', 'dragonfly', '--no-color'])
    expect(r.code).to.equal(0)
    const workers = Math.min(16, Math.max(1, os.availableParallelism()))
    expect(r.stderr.trimEnd().split('\n')).to.deep.equal([
      'Warning: No config file found at /etc/dsynth/dsynth.ini',
      `Using defaults: ${workers} workers (detected from CPU count)`,
      "Run 'dsynth init' to create a config file, or override with config file settings.",
    ])
    expect(r.stdout.split('\n')[0]).to.equal(`dsynth plan: dragonfly, build base /build, ${workers} ${workers === 1 ? 'slot' : 'slots'}`)
  })
})
