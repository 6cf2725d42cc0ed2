import {expect} from 'chai'
import {Chalk} from 'chalk'
import {makeChalk} from '../../src/render/color.js'
import {renderStatusHuman} from '../../src/render/status-human.js'
import {GOLDEN_CASES, planOf} from './cases.js'

describe('render/status-human: renderStatusHuman', () => {
  it('prints one row per slot: name, state, layers, mounts observed/desired', () => {
    expect(renderStatusHuman(planOf(GOLDEN_CASES[2]).plan.slotStates, new Chalk({level: 0}))).to.equal([
      'SLOT  STATE  LAYERS  MOUNTS',
      'SL00  ok     1       22/22',
      'SL01  ok     1       22/22',
      'SL02  extra  1       22/0',
      'SL03  extra  1       22/0',
      '',
    ].join('\n'))
  })

  it('colours only the state', () => {
    const text = renderStatusHuman(planOf(GOLDEN_CASES[0]).plan.slotStates, new Chalk({level: 1}))
    expect(text.split('\n')[1]).to.match(/^SL00  \u001b\[31mstacked\u001b\[39m  3       66\/22$/)
  })
})

describe('render/color: makeChalk', () => {
  const tty = {isTTY: true} as NodeJS.WriteStream
  const pipe = {isTTY: false} as NodeJS.WriteStream
  // [case, --color flag, environment, stream, colour level]
  const cases: Array<[string, boolean | undefined, NodeJS.ProcessEnv, NodeJS.WriteStream, number]> = [
    ['terminal', undefined, {}, tty, 1],
    ['pipe', undefined, {}, pipe, 0],
    ['--no-color on a terminal', false, {}, tty, 0],
    ['NO_COLOR on a terminal', undefined, {NO_COLOR: '1'}, tty, 0],
    ['empty NO_COLOR is unset', undefined, {NO_COLOR: ''}, tty, 1],
    ['FORCE_COLOR=1 into a pipe', undefined, {FORCE_COLOR: '1'}, pipe, 1],
    ['FORCE_COLOR=0 on a pipe', undefined, {FORCE_COLOR: '0'}, pipe, 0],
    ['FORCE_COLOR beats NO_COLOR', undefined, {FORCE_COLOR: '1', NO_COLOR: '1'}, pipe, 1],
    ['--no-color beats FORCE_COLOR', false, {FORCE_COLOR: '1'}, tty, 0],
  ]
  for (const [name, color, env, stream, level] of cases) {
    it(name, () => {
      expect(makeChalk({color, env, stream}).level).to.equal(level)
    })
  }
})
