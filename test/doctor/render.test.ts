import {Chalk} from 'chalk'
import {expect} from 'chai'
import {runChecks} from '../../src/doctor/checks.js'
import {renderChecklist, slotRange} from '../../src/doctor/render.js'
import {renderRepairPlan} from '../../src/doctor/render-repair.js'
import {planRepair} from '../../src/doctor/repair.js'
import {makeReport} from '../../src/doctor/report.js'
import type {DoctorFacts, DoctorReport} from '../../src/doctor/types.js'
import {expectGolden} from '../helpers/golden.js'
import {BSD_HOST, bsd, layer} from '../plan/tables.js'
import {cleanTable, D2, D8, extraSlots, facts, foreignMounts, holder, SEED} from './facts.js'

const PLAIN = new Chalk({level: 0})
const COLOR = new Chalk({level: 1})

/** The report of some facts, as `doctor` (without --fix) makes it. */
function reportOf(f: DoctorFacts, kill = false): DoctorReport {
  const checks = runChecks(f)
  return makeReport(f, checks, planRepair(f, checks, {kill}))
}

/** Host trouble of every kind on an otherwise clean two-slot host. */
function troubledHost(): DoctorFacts {
  const table = bsd(BSD_HOST, layer(D2, 'SL00'), layer(D2, 'SL00', {only: ['/', '/boot']}), layer(D2, 'SL01'), layer(D2, 'SL01', {only: ['/']}))
  const f = facts(D2, table, {
    host: {
      holders: [holder('SL01', 4242), holder('SL01', 4243, ['root', 'cwd', 'exe'], '/bin/sh ./configure')],
      lock: {state: 'held', path: '/build/.dsynth-slots.lock', alive: false,
        info: {pid: 999999, command: 'dsynth apply', user: 'root', host: 'builder', startedAt: '2026-01-02T03:04:05.000Z'}},
      tempFiles: [{path: '/build/.dsynth-slots.lock.999999.tmp', pid: 999999, alive: false, ageMs: 5000}],
      template: {path: '/build/Template', dir: true, marker: true, missing: ['etc/passwd', 'var/run']},
      lastRun: {finishedAt: '2026-01-02T03:05:00.000Z', mode: 'apply', ok: false, errors: ['busy'],
        busy: [{slot: 'SL01', targets: ['/build/SL01'], holders: [holder('SL01', 4242)]}]},
    },
    savedPlans: [{file: 'slots.plan', state: 'stale', detail: 'saved 2026-01-01T00:00:00.000Z, the configuration or the mounts under the build base changed since', changes: 12}],
  })
  f.host!.slotDirs.push({name: 'SL04', path: '/build/SL04', kind: 'directory', mounted: false, rootMounted: false, files: 0, dirs: 0, sample: [], truncated: false},
    {name: 'SL05', path: '/build/SL05', kind: 'directory', mounted: false, rootMounted: false, files: 2, dirs: 1,
      sample: ['construction/work/config.log', 'tmp/x'], truncated: false})
  f.host!.directories[4].kind = 'missing'
  return f
}

// [golden name, facts, --verbose]
const GOLDEN: [string, () => DoctorFacts, boolean][] = [
  ['doctor-seed', () => facts(D8, SEED, {host: null}), false],
  ['doctor-seed-verbose', () => facts(D8, SEED, {host: null}), true],
  ['doctor-extra-slots', () => facts(D2, extraSlots()), false],
  ['doctor-foreign', () => facts(D2, foreignMounts()), false],
  ['doctor-foreign-verbose', () => facts(D2, foreignMounts()), true],
  ['doctor-host', troubledHost, false],
  ['doctor-clean', () => facts(D2, cleanTable(D2)), false],
]

describe('doctor/render: the checklist', () => {
  for (const [name, make, verbose] of GOLDEN) {
    it(`${name}: human checklist and JSON document match the golden files`, () => {
      const report = reportOf(make())
      expectGolden(`${name}.txt`, renderChecklist(report, PLAIN, {verbose, hint: true}))
      if (!verbose) expectGolden(`${name}.json`, JSON.stringify(report, null, 2) + '\n')
    })
  }

  it('the repair plan: processes stopped with --kill, or slots left alone without it', () => {
    const f = troubledHost()
    expectGolden('doctor-host-repair.txt', renderRepairPlan(reportOf(f).repair, PLAIN, 5000))
    expectGolden('doctor-host-repair-kill.txt', renderRepairPlan(reportOf(f, true).repair, PLAIN, 5000))
  })

  it('colours the marks: ✓ green, ! yellow, ✗ red', () => {
    const text = renderChecklist(reportOf(facts(D8, SEED)), COLOR, {verbose: false, hint: false})
    expect(text).to.include(`${COLOR.red('✗')} SL00: 3 layers, 66 mounts, expected 1 layer of 22`)
    expect(text).to.include(`${COLOR.yellow('!')} SL01..SL07: not mounted`)
    expect(text).to.include(`${COLOR.green('✓')} lock: none`)
  })

  it('the human text and the JSON document agree: every check summary is shown', () => {
    const report = reportOf(troubledHost())
    const text = renderChecklist(report, PLAIN, {verbose: false, hint: false})
    for (const c of report.checks) expect(text).to.include(c.summary)
  })

  // [slot names, how they are written]
  const RANGES: [string[], string][] = [
    [['SL01', 'SL02', 'SL03', 'SL04'], 'SL01..SL04'],
    [['SL01', 'SL02'], 'SL01, SL02'],
    [['SL09', 'SL10', 'SL11', 'SL13', 'SL100'], 'SL09..SL11, SL13, SL100'],
    [['SL00'], 'SL00'],
  ]
  for (const [names, text] of RANGES) it(`writes ${names.join(' ')} as ${text}`, () => expect(slotRange(names)).to.equal(text))
})
