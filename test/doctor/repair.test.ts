import {expect} from 'chai'
import {runChecks} from '../../src/doctor/checks.js'
import {isEmptyRepair, planRepair} from '../../src/doctor/repair.js'
import type {DoctorFacts, RepairPlan} from '../../src/doctor/types.js'
import {BSD_HOST, bsd, layer} from '../plan/tables.js'
import {cleanTable, D2, D8, extraSlots, facts, holder, SEED} from './facts.js'

/** The repair plan of some facts. */
function repairOf(f: DoctorFacts, kill = false): RepairPlan {
  return planRepair(f, runChecks(f), {kill})
}

/** `action slot target` of every planned mount change. */
function changes(r: RepairPlan): string[] {
  return r.plan.changes.map((c) => `${c.action} ${c.slot} ${c.target}`)
}

describe('doctor/repair: planRepair', () => {
  it('the seed: the repair is apply\'s plan, 44 unmounts and 154 mounts', () => {
    const r = repairOf(facts(D8, SEED, {host: null}))
    expect(r.plan.summary).to.deep.equal({mount: 154, remount: 0, unmount: 44})
    expect(r.actions).to.deep.equal([])
    expect(r.kill).to.deep.equal([])
    expect(isEmptyRepair(r)).to.equal(false)
  })

  it('a clean host needs nothing', () => {
    expect(isEmptyRepair(repairOf(facts(D2, cleanTable(D2))))).to.equal(true)
  })

  it('without --kill, leaves a held slot out of the plan and says so', () => {
    // GIVEN SL00 stacked twice and SL01 partial, with a process inside SL01
    const table = bsd(BSD_HOST, layer(D2, 'SL00'), layer(D2, 'SL00'), layer(D2, 'SL01', {only: ['/', '/boot']}))
    const f = facts(D2, table, {host: {holders: [holder('SL01', 4242)]}})
    // WHEN planned without --kill
    const r = repairOf(f)
    // THEN only SL00 is repaired; SL01 is left alone with its holder
    expect(r.plan.slotFilter).to.deep.equal(['SL00'])
    expect(new Set(r.plan.changes.map((c) => c.slot))).to.deep.equal(new Set(['SL00']))
    expect(r.plan.summary).to.deep.equal({mount: 0, remount: 0, unmount: 22})
    expect(r.leftAlone).to.deep.equal([{slot: 'SL01', holders: [holder('SL01', 4242)]}])
    expect(r.kill).to.deep.equal([])
  })

  it('with --kill, stops the holders and repairs every slot', () => {
    const table = bsd(BSD_HOST, layer(D2, 'SL00'), layer(D2, 'SL01', {only: ['/', '/boot']}))
    const r = repairOf(facts(D2, table, {host: {holders: [holder('SL01', 4242)]}}), true)
    expect(r.kill.map((h) => h.pid)).to.deep.equal([4242])
    expect(r.leftAlone).to.deep.equal([])
    expect(r.plan.slotFilter).to.equal(null)
    expect(changes(r)).to.have.length(20)
  })

  it('when every slot with changes is held, nothing is unmounted or mounted', () => {
    const r = repairOf(facts(D2, bsd(BSD_HOST, layer(D2, 'SL00'), layer(D2, 'SL00'), layer(D2, 'SL01')),
      {host: {holders: [holder('SL00', 1), holder('SL01', 2)]}}))
    expect(r.plan.slotFilter).to.deep.equal([])
    expect(r.plan.changes).to.deep.equal([])
  })

  // [case, host facts, the actions expected (`kind path`)]
  const CASES: [string, Parameters<typeof facts>[2], string[]][] = [
    ['a stale lock is removed', {host: {lock: {state: 'held', path: '/build/.dsynth-slots.lock', alive: false,
      info: {pid: 999999, command: 'dsynth apply', user: 'root', host: 'h', startedAt: 't'}}}}, ['remove-lock /build/.dsynth-slots.lock']],
    ['a live lock is not', {host: {lock: {state: 'held', path: '/build/.dsynth-slots.lock', alive: true,
      info: {pid: 1, command: 'dsynth apply', user: 'root', host: 'h', startedAt: 't'}}}}, []],
    ['a half-written lock is removed', {host: {lock: {state: 'corrupt', path: '/build/.dsynth-slots.lock', text: '{', ageMs: 0}}}, ['remove-lock /build/.dsynth-slots.lock']],
    ['leftover temporary files are removed, a live writer\'s is kept', {host: {tempFiles: [
      {path: '/build/.dsynth-slots.lock.7.tmp', pid: 7, alive: false, ageMs: 0}, {path: '/build/.dsynth-slots.lock.8.tmp', pid: 8, alive: true, ageMs: 0}]}},
    ['remove-file /build/.dsynth-slots.lock.7.tmp']],
    ['a missing Template is created', {host: {template: {path: '/build/Template', dir: false, marker: false, missing: []}}}, ['template /build/Template']],
    ['an incomplete Template is recreated', {host: {template: {path: '/build/Template', dir: true, marker: true, missing: ['tmp']}}}, ['template /build/Template']],
  ]
  for (const [name, o, expected] of CASES) {
    it(name, () => expect(repairOf(facts(D2, cleanTable(D2), o)).actions.map((a) => `${a.kind} ${a.path}`)).to.deep.equal(expected))
  }

  it('removes leftover and torn-down extra slot directories with rmdir, never in-range, non-empty or held ones', () => {
    const f = facts(D2, extraSlots(), {host: {holders: [holder('SL03', 9)]}})
    const dir = (name: string, more: object = {}) => ({name, path: `/build/${name}`, kind: 'directory' as const, mounted: false, rootMounted: false,
      files: 0, dirs: 0, sample: [], truncated: false, ...more})
    f.host!.slotDirs.push(dir('SL05'), dir('SL06', {files: 1}), dir('SL07', {dirs: 1}), dir('SL08', {kind: 'symlink'}))
    f.host!.slotDirs[1] = dir('SL01')
    expect(repairOf(f).actions.map((a) => `${a.kind} ${a.path} (${a.why})`)).to.deep.equal([
      'rmdir /build/SL02 (extra slot directory, once unmounted and if empty)',
      'rmdir /build/SL05 (leftover empty slot directory)',
    ])
  })

  it('counts the problems only the user can repair', () => {
    const f = facts(D2, cleanTable(D2), {savedPlans: [{file: 'x', state: 'corrupt', detail: 'bad', changes: null}]})
    expect(repairOf(f).manual).to.equal(1)
  })

  it('is plain data', () => {
    const r = repairOf(facts(D8, SEED, {host: {holders: [holder('SL00', 3)]}}))
    expect(JSON.parse(JSON.stringify(r))).to.deep.equal(r)
  })
})
