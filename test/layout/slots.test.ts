import {expect} from 'chai'
import {computeDesiredState, parseSlotName, slotName} from '../../src/layout/slots.js'
import {config} from '../plan/tables.js'

describe('layout/slots: slot names', () => {
  // [index, name]
  const names: Array<[number, string]> = [[0, 'SL00'], [7, 'SL07'], [10, 'SL10'], [99, 'SL99'], [100, 'SL100'], [1023, 'SL1023']]
  for (const [index, name] of names) {
    it(`slot ${index} is ${name}, and ${name} is slot ${index}`, () => {
      expect(slotName(index)).to.equal(name)
      expect(parseSlotName(name)).to.equal(index)
    })
  }

  // names under the build base that are not slots
  const notSlots = ['SL0', 'SL007', 'SL000', 'SL0100', 'SLx', 'SL', 'Template', 'sl00', 'SL00a', 'SL 00', 'SL-1', 'SL1e3', 'xSL00', 'distfiles', '']
  for (const name of notSlots) {
    it(`${JSON.stringify(name)} is not a slot`, () => {
      expect(parseSlotName(name)).to.equal(null)
    })
  }
})

describe('layout/slots: computeDesiredState', () => {
  it('N slots SL00..SL(N-1) under the build base, each with the layout placed in its directory', () => {
    const d = computeDesiredState(config({builders: 3}), 'dragonfly', '/build', {hasUsrSrc: false})
    expect([d.platform, d.buildBase]).to.deep.equal(['dragonfly', '/build'])
    expect(d.slots.map((s) => [s.name, s.index, s.dir, s.mounts.length])).to.deep.equal([
      ['SL00', 0, '/build/SL00', 22], ['SL01', 1, '/build/SL01', 22], ['SL02', 2, '/build/SL02', 22]])
    expect(d.slots[1].mounts[0]).to.deep.equal({slot: 'SL01', order: 0, path: '/', target: '/build/SL01', fstype: 'tmpfs', source: 'tmpfs',
      options: ['rw', 'size=16g'], readonly: false})
    expect(d.slots[1].mounts[16]).to.deep.equal({slot: 'SL01', order: 16, path: '/xports', target: '/build/SL01/xports', fstype: 'null',
      source: '/build/synth/dports', options: ['ro'], readonly: true})
    expect(d.slots[2].mounts.map((m) => m.order)).to.deep.equal([...Array(22).keys()])
  })

  it('101 builders reach SL100', () => {
    const d = computeDesiredState(config({builders: 101}), 'freebsd', '/usr/obj/dsynth', {hasUsrSrc: false})
    expect(d.slots.at(-1)!.name).to.equal('SL100')
    expect(d.slots.at(-1)!.mounts[4]).to.include({target: '/usr/obj/dsynth/SL100/bin', fstype: 'nullfs'})
  })

  it('slots share frozen option lists: a change to one mount cannot leak into another', () => {
    const d = computeDesiredState(config({builders: 2}), 'linux', '/build', {hasUsrSrc: false})
    expect(() => (d.slots[0].mounts[0].options as string[]).push('x')).to.throw(TypeError)
    expect(d.slots[1].mounts[0].options).to.deep.equal(['rw', 'size=16g'])
  })
})
