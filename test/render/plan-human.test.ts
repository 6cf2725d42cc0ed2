import {expect} from 'chai'
import {Chalk} from 'chalk'
import {renderPlanDiff} from '../../src/render/plan-diff.js'
import {changeLine, renderPlanHuman, slotHeader, summaryLine} from '../../src/render/plan-human.js'
import {GLYPHS} from '../../src/render/symbols.js'
import {expectGolden} from '../helpers/golden.js'
import {GOLDEN_CASES, planOf} from './cases.js'

const PLAIN = new Chalk({level: 0})
const COLOR = new Chalk({level: 1})
const ANSI = /\u001b\[/

describe('render/plan-human: golden files (UPDATE_GOLDEN=1 rewrites them)', () => {
  for (const c of GOLDEN_CASES) {
    it(`${c.name}: human output matches test/golden/${c.name}.txt`, () => {
      const text = renderPlanHuman(planOf(c).plan, PLAIN)
      expect(text).to.not.match(ANSI)
      expectGolden(`${c.name}.txt`, text)
    })

    it(`${c.name}: the JSON document matches test/golden/${c.name}.json`, () => {
      expectGolden(`${c.name}.json`, JSON.stringify(planOf(c).plan, null, 2) + '\n')
    })
  }
})

describe('render/plan-human: renderPlanHuman', () => {
  const seed = planOf(GOLDEN_CASES[0]).plan

  it('gives each slot with changes a block headed `SL00  stacked: 3 layers, 66 mounts`, and ends with the summary line', () => {
    const lines = renderPlanHuman(seed, PLAIN).trimEnd().split('\n')
    expect(lines).to.include('SL00  stacked: 3 layers, 66 mounts')
    expect(lines).to.include('SL07  missing: 0 layers, 0 mounts')
    expect(lines.at(-1)).to.equal('Plan: 154 to mount, 0 to remount, 44 to unmount.')
    expect(lines.filter((l) => l.startsWith('  - /build/'))).to.have.length(44)
    expect(lines.filter((l) => l.startsWith('  + /build/'))).to.have.length(154)
  })

  it('with no changes says so instead of listing slots', () => {
    const text = renderPlanHuman(planOf(GOLDEN_CASES[1]).plan, PLAIN)
    expect(text.trimEnd().split('\n').at(-1)).to.equal('No changes. Slots match the configuration.')
    expect(text).to.not.include('Plan:')
  })

  it('colours + green, - red, ~ yellow, from the one glyph table', () => {
    expect(GLYPHS).to.deep.equal({
      mount: {glyph: '+', verb: 'mount', color: 'green'},
      unmount: {glyph: '-', verb: 'unmount', color: 'red'},
      remount: {glyph: '~', verb: 'remount', color: 'yellow'},
    })
    const text = renderPlanHuman(planOf(GOLDEN_CASES[3]).plan, COLOR)
    expect(text).to.match(ANSI)
    const line = (glyph: string) => text.split('\n').find((l) => l.startsWith(`  \u001b[`) && l.includes(`m${glyph} /build/`))
    expect(line('+')).to.include(COLOR.green('+').slice(0, 5))
    expect(line('-')).to.include(COLOR.red('-').slice(0, 5))
    expect(line('~')).to.include(COLOR.yellow('~').slice(0, 5))
    // colour-free text is the same text without the escapes
    expect(text.replace(/\u001b\[\d+m/g, '')).to.equal(renderPlanHuman(planOf(GOLDEN_CASES[3]).plan, PLAIN))
  })

  // [change, line] with widths 20/6/20
  const lines: Array<[Parameters<typeof changeLine>[0], string]> = [
    [{action: 'mount', slot: 'SL01', target: '/build/SL01/xports', fstype: 'null', source: '/usr/dports', options: ['ro'], reason: 'missing', layer: 0},
      '+ /build/SL01/xports    null    /usr/dports           ro (missing)'],
    [{action: 'unmount', slot: 'SL00', target: '/build/SL00', fstype: 'tmpfs', source: 'tmpfs', options: ['rw'], reason: 'stacked', layer: 3},
      '- /build/SL00           tmpfs   tmpfs                 (stacked, layer 3)'],
    [{action: 'unmount', slot: 'SL00', target: '/build/SL00/tmp', fstype: 'tmpfs', source: 'tmpfs', options: ['rw'], reason: 'foreign', layer: 1},
      '- /build/SL00/tmp       tmpfs   tmpfs                 (foreign)'],
    [{action: 'remount', slot: 'SL00', target: '/build/SL00/proc', fstype: 'procfs', source: 'procfs', options: ['ro'], reason: 'options', layer: 1},
      '~ /build/SL00/proc      procfs  procfs                ro (options)'],
  ]
  for (const [change, want] of lines) {
    it(`change line: ${want.slice(0, 30).trimEnd()}`, () => {
      expect(changeLine(change, {target: 20, fstype: 6, source: 20})).to.equal(want)
    })
  }

  it('summary and headers count in the singular too', () => {
    expect(summaryLine({...seed, summary: {mount: 1, remount: 2, unmount: 3}})).to.equal('Plan: 1 to mount, 2 to remount, 3 to unmount.')
    expect(slotHeader({name: 'SL03', index: 3, state: 'drifted', layers: 1, observed: 1, desired: 22, hidden: 0})).to.equal('SL03  drifted: 1 layer, 1 mount')
  })

  it('escapes control characters of mount paths: a newline or an escape sequence cannot forge output', () => {
    const evil = '/build/SL00/evil\nPlan: 0 to mount, 0 to remount, 0 to unmount.\u001b[2J'
    const plan = {...seed, warnings: [`odd \u009b path`], changes: [{...seed.changes[0], target: evil}]}
    const text = renderPlanHuman(plan, PLAIN)
    expect(text).to.include('/build/SL00/evil\\012Plan: 0 to mount, 0 to remount, 0 to unmount.\\033[2J')
    expect(text).to.include('Warning: odd \\233 path')
    expect(text.split('\n').filter((l) => l.startsWith('Plan:'))).to.have.length(1)
    expect(text).not.to.match(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
  })

  it('prints warnings after the title', () => {
    const text = renderPlanHuman({...seed, warnings: ['source /x of /xports does not exist: apply will refuse it']}, PLAIN)
    expect(text.split('\n')[1]).to.equal('Warning: source /x of /xports does not exist: apply will refuse it')
  })
})

describe('render/plan-diff: renderPlanDiff', () => {
  it('is a unified diff of live against desired mount lines of the slots shown', () => {
    const {plan, desired} = planOf(GOLDEN_CASES[3])
    const patch = renderPlanDiff(plan, desired)
    expect(patch).to.match(/^=+\n--- live\n\+\+\+ desired\n@@ /)
    expect(patch).to.include('\n-/build/SL00/usr null /usr rw\n')
    expect(patch).to.include('\n-/build/SL01/xports null /build/synth/dports rw\n')
    expect(patch).to.include('\n+/build/SL01/xports null /build/synth/dports ro\n')
    expect(patch).to.include('\n+/build/SL01/construction tmpfs tmpfs rw\n')
  })

  it('writes live mounts the plan keeps in the layout\'s terms, so a Linux bind is not a difference', () => {
    // GIVEN Linux slots whose binds show as `ext4 /dev/vda1` with a root in mountinfo, one of them binding the wrong directory
    const {plan, desired} = planOf(GOLDEN_CASES[5])
    const patch = renderPlanDiff(plan, desired)
    // THEN only what the plan changes differs: /dev, the rw /usr/include, the wrong /usr/bin
    expect(patch.split('\n').filter((l) => /^[-+]\//.test(l))).to.deep.equal([
      '-/build/SL00/dev devtmpfs udev rw',
      '+/build/SL00/dev tmpfs dsynth-dev rw',
      '-/build/SL00/usr/include bind /usr/include rw',
      '+/build/SL00/usr/include bind /usr/include ro',
      '-/build/SL01/usr/bin ext4 /dev/vda1[/usr/sbin] ro',
      '+/build/SL01/usr/bin bind /usr/bin ro',
    ])
  })

  it('shows every upper layer of a stack as live lines that go', () => {
    const {plan, desired} = planOf(GOLDEN_CASES[6])
    const removed = renderPlanDiff(plan, desired).split('\n').filter((l) => /^-\//.test(l))
    expect(removed).to.have.length(44)
  })

  it('is empty of hunks when the slots match', () => {
    const {plan, desired} = planOf(GOLDEN_CASES[1])
    expect(renderPlanDiff(plan, desired)).to.not.include('@@')
  })

  it('limits itself to the slots of a --slot plan', () => {
    const {plan, desired} = planOf(GOLDEN_CASES[6])
    const patch = renderPlanDiff(plan, desired)
    expect(patch).to.include('+/build/SL01/bin null /bin ro')
    expect(patch).to.not.include('SL02')
  })
})
