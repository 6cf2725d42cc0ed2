import {readFileSync} from 'node:fs'
import {expect} from 'chai'
import {ANSI, type CliResult, requireBuild, runCli} from '../helpers/cli.js'
import {fixture} from '../render/cases.js'

/** `dsynth status`, run as the built CLI on captured tables. */

const SEED = ['--mounts', fixture('mounttables', 'seed-tripled.txt'), '--config', fixture('config', 'seed-tripled.ini'), '--platform', 'dragonfly']
const EXTRA = ['--mounts', fixture('mounttables', 'extra-slots.txt'), '--config', fixture('config', 'two-slots.ini'), '--platform', 'dragonfly']

function status(args: readonly string[], opts: Parameters<typeof runCli>[1] = {}): Promise<CliResult> {
  return runCli(['status', ...args], opts)
}

const SEED_TABLE = [
  'SLOT  STATE    LAYERS  MOUNTS',
  'SL00  stacked  3       66/22',
  ...[1, 2, 3, 4, 5, 6, 7].map((n) => `SL0${n}  missing  0       0/22`),
  '',
].join('\n')

describe('commands/status (built CLI)', function () {
  this.timeout(120_000)
  before(requireBuild)

  // [case, arguments, stdout]
  const tables: Array<[string, string[], string]> = [
    ['the seed report', SEED, SEED_TABLE],
    ['extra slots after shrinking to 2 builders', EXTRA, [
      'SLOT  STATE  LAYERS  MOUNTS', 'SL00  ok     1       22/22', 'SL01  ok     1       22/22', 'SL02  extra  1       22/0', 'SL03  extra  1       22/0', '',
    ].join('\n')],
  ]
  for (const [name, args, want] of tables) {
    it(`prints the slot table: ${name}`, async () => {
      const r = await status([...args, '--no-color'])
      expect(r.code, r.stderr).to.equal(0)
      expect(r.stdout).to.equal(want)
      expect(r.stderr).to.equal('')
    })
  }

  it('--json prints {platform, buildBase, slots, slotStates}', async () => {
    const r = await status([...SEED, '--json'])
    expect(r.code).to.equal(0)
    const doc = JSON.parse(r.stdout)
    expect(Object.keys(doc)).to.deep.equal(['platform', 'buildBase', 'slots', 'slotStates'])
    expect([doc.platform, doc.buildBase, doc.slots]).to.deep.equal(['dragonfly', '/build', 8])
    expect(doc.slotStates).to.have.length(8)
    expect(doc.slotStates[0]).to.deep.equal({name: 'SL00', index: 0, state: 'stacked', layers: 3, observed: 66, desired: 22, hidden: 0})
    expect(doc.slotStates[7]).to.deep.equal({name: 'SL07', index: 7, state: 'missing', layers: 0, observed: 0, desired: 22, hidden: 0})
  })

  it('--mounts - reads stdin', async () => {
    const r = await status(['--mounts', '-', ...SEED.slice(2), '--no-color'], {stdin: readFileSync(fixture('mounttables', 'seed-tripled.txt'), 'utf8')})
    expect(r.stdout).to.equal(SEED_TABLE)
  })

  // [case, extra arguments, environment, ANSI expected]
  const colours: Array<[string, string[], Record<string, string>, boolean]> = [
    ['--no-color', ['--no-color'], {}, false],
    ['NO_COLOR=1', [], {NO_COLOR: '1'}, false],
    ['FORCE_COLOR=1', [], {FORCE_COLOR: '1'}, true],
  ]
  for (const [name, args, env, ansi] of colours) {
    it(`colour: ${name}`, async () => {
      expect(ANSI.test((await status([...SEED, ...args], {env})).stdout)).to.equal(ansi)
    })
  }

  it('a garbage table is an error: exit 1, file and line on stderr, nothing on stdout', async () => {
    const r = await status(['--mounts', fixture('config', 'two-slots.ini'), ...SEED.slice(2)])
    expect(r.code).to.equal(1)
    expect(r.stdout).to.equal('')
    expect(r.stderr).to.include(`Error: ${fixture('config', 'two-slots.ini')}:1:`)
  })
})
