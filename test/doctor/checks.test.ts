import {expect} from 'chai'
import {runChecks, summarize} from '../../src/doctor/checks.js'
import {isEmptyRepair, planRepair} from '../../src/doctor/repair.js'
import type {Check, DoctorFacts} from '../../src/doctor/types.js'
import {BSD_HOST, bsd, desired, layer} from '../plan/tables.js'
import {cleanTable, D2, D8, extraSlots, facts, foreignMounts, holder, SEED} from './facts.js'

/** A check in one line: `status id slot: summary` (slot `-` for host-wide checks). */
function brief(c: Check): string {
  return `${c.status} ${c.id} ${c.slot ?? '-'}: ${c.summary}`
}

/** The brief lines of every check of `f` that is not ok/skipped. */
function findings(f: DoctorFacts): string[] {
  return runChecks(f).filter((c) => c.status === 'warning' || c.status === 'problem').map(brief)
}

const CLEAN = cleanTable(D2)
const LOCK = {pid: 4242, command: 'dsynth apply', user: 'root', host: 'builder', startedAt: '2026-01-02T03:04:05.000Z'}

describe('doctor/checks: runChecks', () => {
  it('the seed report on a captured table: SL00 stacked, SL01..SL07 not mounted, host checks skipped', () => {
    const checks = runChecks(facts(D8, SEED, {host: null}))
    expect(checks.map(brief)).to.deep.equal([
      'ok config-file -: dsynth.ini: /usr/local/etc/dsynth/dsynth.ini, profile LiveSystem, 8 builders',
      'problem slot-stacked SL00: 3 layers, 66 mounts, expected 1 layer of 22',
      ...[1, 2, 3, 4, 5, 6, 7].map((i) => `warning slot-missing SL0${i}: not mounted (expected 1 layer of 22)`),
      ...checks.filter((c) => c.status === 'skipped').map(brief),
    ])
    expect(checks.filter((c) => c.status === 'skipped').map((c) => c.id)).to.deep.equal(
      ['config-directories', 'config-build-base', 'processes', 'last-run', 'slot-dirs', 'lock', 'temp-files', 'template'])
    expect(summarize(checks)).to.deep.equal({ok: 1, warning: 7, problem: 1, skipped: 8})
  })

  it('marks the seed mount lines: layer 1 kept, layers 2 and 3 unmounted', () => {
    const stacked = runChecks(facts(D8, SEED, {host: null})).find((c) => c.id === 'slot-stacked')!
    expect(stacked.mounts).to.have.length(66)
    expect(stacked.mounts.slice(0, 22).every((l) => l.startsWith('  '))).to.equal(true)
    expect(stacked.mounts.slice(22).every((l) => l.startsWith('- '))).to.equal(true)
    expect(stacked.mounts[22]).to.equal('- tmpfs on /build/SL00 (tmpfs, local)')
    expect(stacked.fix).to.equal('unmount the 44 stacked mounts of layers 2-3, newest first')
  })

  it('a clean host: every check ok', () => {
    const checks = runChecks(facts(D2, CLEAN))
    expect(checks.filter((c) => c.status !== 'ok').map(brief)).to.deep.equal([])
    expect(checks.map((c) => c.id)).to.deep.equal(['config-file', 'config-directories', 'config-build-base', 'slot-ok', 'slot-ok',
      'processes', 'last-run', 'slot-dirs', 'lock', 'temp-files', 'template'])
  })

  it('a slot hidden under a later mount of the build base: a manual problem naming the covering mount', () => {
    // GIVEN SL00 and SL01 mounted, then a tmpfs mounted on /build over them, then SL00 mounted again on it
    const table = bsd(BSD_HOST, layer(D2, 'SL00'), layer(D2, 'SL01'), 'tmpfs on /build (tmpfs, local)', layer(D2, 'SL00'))
    const checks = runChecks(facts(D2, table))
    expect(findings(facts(D2, table)).filter((l) => !l.includes('config-'))).to.deep.equal([
      'problem slot-hidden SL00: 22 mounts hidden under /build (tmpfs tmpfs), which was mounted after them',
      'problem slot-hidden SL01: 22 mounts hidden under /build (tmpfs tmpfs), which was mounted after them',
      'warning slot-missing SL01: not mounted (expected 1 layer of 22)',
    ])
    const hidden = checks.find((c) => c.id === 'slot-hidden')!
    expect(hidden.repair).to.equal('manual')
    expect(hidden.mounts).to.have.length(22)
    expect(hidden.fix).to.match(/^they cannot be reached while \/build is mounted/)
  })

  it('a mounted slot without its Template (an interrupted apply) or with an empty /dev: a problem that --fix repairs', () => {
    const f = facts(D2, CLEAN)
    f.host!.unpopulated = [{slot: 'SL00', mounts: ['/', '/dev']}, {slot: 'SL01', mounts: ['/dev']}]
    expect(findings(f)).to.deep.equal([
      'problem slot-unpopulated SL00: mounted, but the Template is missing from /, /dev (no device nodes)',
      'problem slot-unpopulated SL01: mounted, but the Template is missing from /dev (no device nodes)',
    ])
    const repair = planRepair(f, runChecks(f), {kill: false})
    expect(repair.actions).to.deep.equal([
      {kind: 'populate', path: '/build/SL00', why: 'Template missing from /, /dev'},
      {kind: 'populate', path: '/build/SL01', why: 'Template missing from /dev'},
    ])
    expect(isEmptyRepair(repair)).to.equal(false)
  })

  it('lists a stacked slot before what else is wrong with it', () => {
    // GIVEN SL00 with a complete first layer and a second layer of two mounts, SL01 missing its /distfiles
    const table = bsd(BSD_HOST, layer(D2, 'SL00', {only: ['/', '/boot', '/bin']}), layer(D2, 'SL00', {only: ['/', '/boot']}))
    // WHEN checked THEN SL00's stacked check comes first, then its missing mounts
    expect(findings(facts(D2, table)).slice(0, 3)).to.deep.equal([
      'problem slot-stacked SL00: 2 layers, 5 mounts, expected 1 layer of 22',
      'problem slot-partial SL00: 19 of 22 mounts missing: /dev, /proc, /sbin, /lib, … (15 more)',
      'warning slot-missing SL01: not mounted (expected 1 layer of 22)',
    ])
  })

  // [case, facts, the warnings and problems expected, in order (`status id slot: summary`)]
  const CASES: [string, () => DoctorFacts, string[]][] = [
    ['extra slots after lowering Number_of_builders', () => facts(D2, extraSlots()), [
      'problem slot-extra SL02: extra slot: 22 mounts, Number_of_builders is 2',
      'problem slot-extra SL03: extra slot: 22 mounts, Number_of_builders is 2',
    ]],
    ['foreign mounts, wrong source, wrong ro/rw, a missing mount', () => facts(D2, foreignMounts()), [
      'problem slot-foreign SL00: 1 foreign mount: /mnt/usb (msdosfs /dev/da0s1)',
      'problem slot-partial SL01: 1 of 22 mounts missing: /distfiles',
      'problem slot-wrong SL01: /xports is null /usr/ports, expected null /build/synth/dports',
      'problem slot-options SL01: /options is read-only, expected read-write',
    ]],
    ['a process inside a slot, no dsynth running', () => facts(D2, CLEAN, {host: {holders: [holder('SL01', 4242), holder('SL01', 4243, ['root', 'exe'])]}}), [
      "problem slot-processes SL01: 2 processes inside (they keep the slot's mounts busy)",
    ]],
    ['processes inside a slot while a dsynth holds the lock', () => facts(D2, CLEAN, {host: {holders: [holder('SL00', 7)],
      lock: {state: 'held', path: '/build/.dsynth-slots.lock', info: LOCK, alive: true}}}), [
      "warning slot-processes SL00: 1 process inside (it keeps the slot's mounts busy), probably builders of the running dsynth",
      'warning lock -: lock: held by a running dsynth, pid 4242 (dsynth apply) by root@builder since 2026-01-02T03:04:05.000Z',
    ]],
    ['a stale lock (dead pid)', () => facts(D2, CLEAN, {host: {lock: {state: 'held', path: '/build/.dsynth-slots.lock', info: LOCK, alive: false}}}), [
      'problem lock -: lock: stale, pid 4242 (dsynth apply) by root@builder since 2026-01-02T03:04:05.000Z is not running (/build/.dsynth-slots.lock)',
    ]],
    ['a lock from another host', () => facts(D2, CLEAN, {host: {lock: {state: 'held', path: '/build/.dsynth-slots.lock', info: LOCK, alive: null}}}), [
      'warning lock -: lock: /build/.dsynth-slots.lock is held from another host, pid 4242 (dsynth apply) by root@builder since 2026-01-02T03:04:05.000Z',
    ]],
    ['a half-written lock', () => facts(D2, CLEAN, {host: {lock: {state: 'corrupt', path: '/build/.dsynth-slots.lock', text: '{"pid": 12', ageMs: 5}}}), [
      'problem lock -: lock: half-written /build/.dsynth-slots.lock (not JSON with a pid: "{\\"pid\\": 12")',
    ]],
    ['temporary files: dead writer or old are leftovers, a live writer or a fresh one are not', () => facts(D2, CLEAN, {host: {tempFiles: [
      {path: '/build/.dsynth-slots.lock.4242.tmp', pid: 4242, alive: false, ageMs: 10},
      {path: '/build/.dsynth-slots.lock.4243.tmp', pid: 4243, alive: true, ageMs: 999_999},
      {path: '/build/.dsynth-last-run.json.tmp', pid: null, alive: false, ageMs: 61_000},
      {path: '/build/.dsynth-slots.lock.break', pid: null, alive: false, ageMs: 100}]}}), [
      'warning temp-files -: temporary files: 2 files left over by crashed runs',
    ]],
    ['saved plans: current, stale, half-written, another platform', () => facts(D2, CLEAN, {savedPlans: [
      {file: 'a.plan', state: 'current', detail: 'saved 2026-01-01', changes: 0},
      {file: 'b.plan', state: 'stale', detail: 'saved 2026-01-01, the mounts changed', changes: 3},
      {file: 'c.plan', state: 'corrupt', detail: 'invalid JSON', changes: null},
      {file: 'd.plan', state: 'other-platform', detail: 'made for linux', changes: 1}]}), [
      'warning saved-plan -: saved plan b.plan: stale, apply refuses it (saved 2026-01-01, the mounts changed)',
      'problem saved-plan -: saved plan c.plan: half-written or not a dsynth plan (invalid JSON)',
      'problem saved-plan -: saved plan d.plan: made for another platform (made for linux)',
    ]],
    ['slot directories: empty leftover, files on the host filesystem, empty mount points, a symlink', () => {
      const f = facts(D2, bsd(BSD_HOST, layer(D2, 'SL00')))
      const dir = (name: string, more: object) => ({name, path: `/build/${name}`, kind: 'directory' as const, mounted: false, rootMounted: false,
        files: 0, dirs: 0, sample: [], truncated: false, ...more})
      f.host!.slotDirs = [f.host!.slotDirs[0], dir('SL01', {files: 3, dirs: 2, sample: ['construction/a.o']}), dir('SL04', {dirs: 2}),
        dir('SL05', {}), dir('SL07', {kind: 'symlink'})]
      return f
    }, [
      'warning slot-missing SL01: not mounted (expected 1 layer of 22)',
      'problem slot-host-files SL01: 3 files on the host filesystem under /build/SL01 (written while its root mount was missing)',
      'warning slot-host-files SL04: 2 empty directories on the host filesystem under /build/SL04 (mount points made while its root mount was missing)',
      'warning slot-leftover-dir SL05: leftover empty directory /build/SL05 (Number_of_builders is 2)',
      'problem slot-not-directory SL07: /build/SL07 is a symbolic link: apply refuses to mount through it',
    ]],
    ['Template missing', () => facts(D2, CLEAN, {host: {template: {path: '/build/Template', dir: false, marker: false, missing: []}}}), [
      'warning template -: Template: /build/Template does not exist: apply creates a minimal one',
    ]],
    ['Template incomplete', () => facts(D2, CLEAN, {host: {template: {path: '/build/Template', dir: true, marker: true, missing: ['etc/passwd', 'tmp']}}}), [
      'problem template -: Template: /build/Template is incomplete, 2 entries missing',
    ]],
    ["the last apply's busy mounts, still mounted", () => facts(D2, extraSlots(), {host: {lastRun: {finishedAt: '2026-01-02T00:00:00Z', mode: 'apply', ok: false, errors: [],
      busy: [{slot: 'SL03', targets: ['/build/SL03/construction', '/build/SL03'], holders: [holder('SL03', 99)]},
        {slot: 'SL02', targets: ['/build/SL02/nothing-there'], holders: []}]}}}), [
      'problem slot-extra SL02: extra slot: 22 mounts, Number_of_builders is 2',
      'problem slot-extra SL03: extra slot: 22 mounts, Number_of_builders is 2',
      'problem slot-busy-last-run SL03: 2 mounts the last apply (2026-01-02T00:00:00Z) left busy are still mounted',
    ]],
    ['no config file: defaults', () => facts(D2, CLEAN, {defaults: true}), [
      'warning config-file -: no config file found (looked at /etc/dsynth/dsynth.ini, /usr/local/etc/dsynth/dsynth.ini): using defaults, 2 builders from the CPU count, build base /build',
    ]],
    ['directories: a missing mount source is a problem', () => {
      const f = facts(D2, CLEAN)
      f.host!.directories[2].kind = 'missing'
      f.host!.directories[6].kind = 'missing'
      return f
    }, ['problem config-directories -: directories: 2 of 8 named in dsynth.ini are missing or not directories']],
    ['directories: only the logs directory missing is a warning', () => {
      const f = facts(D2, CLEAN)
      f.host!.directories[6].kind = 'missing'
      return f
    }, ['warning config-directories -: directories: 1 of 8 named in dsynth.ini is missing or not directories']],
    ['build base inside the distfiles directory (through a symlink)', () => facts(D2, CLEAN, {host: {
      buildBase: {configured: '/build', resolved: '/build/synth/distfiles/b', exists: true}}}), [
      'problem config-build-base -: build base: /build → /build/synth/distfiles/b (a symlink, resolved) overlaps the directories mounted into the slots',
    ]],
    ['a mount source inside a slot directory', () => {
      const f = facts(D2, CLEAN)
      f.host!.directories[0] = {...f.host!.directories[0], path: '/build/SL03/pkg', resolved: '/build/SL03/pkg'}
      return f
    }, ['problem config-build-base -: build base: /build overlaps the directories mounted into the slots']],
    ['build base a symlink into a system directory', () => facts(D2, CLEAN, {host: {buildBase: {configured: '/build', resolved: '/usr/local', exists: true}}}), [
      'problem config-build-base -: build base: /build → /usr/local (a symlink, resolved) is a system directory',
    ]],
  ]

  for (const [name, make, expected] of CASES) {
    it(name, () => expect(findings(make())).to.deep.equal(expected))
  }

  it('an ordinary symlinked build base is fine, and says where it leads', () => {
    const f = facts(D2, CLEAN, {host: {buildBase: {configured: '/build', resolved: '/data/build', exists: true}}})
    expect(runChecks(f).find((c) => c.id === 'config-build-base')!.summary).to.equal('build base: /build → /data/build (a symlink, resolved)')
  })

  it('names who repairs each finding', () => {
    const f = facts(D2, foreignMounts(), {host: {holders: [holder('SL01', 5)], lock: {state: 'held', path: '/l', info: LOCK, alive: false}}})
    const repair = Object.fromEntries(runChecks(f).filter((c) => c.status !== 'ok').map((c) => [`${c.id} ${c.slot ?? '-'}`, c.repair]))
    expect(repair).to.deep.equal({'slot-foreign SL00': 'fix', 'slot-partial SL01': 'fix', 'slot-wrong SL01': 'fix', 'slot-options SL01': 'fix',
      'slot-processes SL01': 'kill', 'lock -': 'fix'})
  })

  it('is pure: the facts are not changed and the checks are plain data', () => {
    const f = facts(D8, SEED)
    const before = JSON.stringify(f)
    const checks = runChecks(f)
    expect(JSON.stringify(f)).to.equal(before)
    expect(JSON.parse(JSON.stringify(checks))).to.deep.equal(checks)
  })

  it('works on Linux tables too (linux slot of 22 mounts)', () => {
    const d = desired('linux', {builders: 1})
    expect(d.slots[0].mounts).to.have.length(22)
    const checks = runChecks(facts(d, bsd(BSD_HOST), {host: null}))
    expect(checks.filter((c) => c.slot !== null).map(brief)).to.deep.equal(['warning slot-missing SL00: not mounted (expected 1 layer of 22)'])
  })
})
