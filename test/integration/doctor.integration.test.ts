import {readFileSync} from 'node:fs'
import {readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import {expect} from 'chai'
import type {DoctorReport} from '../../src/doctor/types.js'
import {canMount, inNamespace, makeWorld, type World} from '../helpers/namespace.js'

/**
 * Writes a script that mounts one whole layer of SL00 again, the way an interrupted run does: every mount of the
 * layout, in layout order, on top of what is there (new mount points are made on the new root as it goes).
 * The mounts come from `plan --json --slot SL00` taken before SL00 existed, so they are exactly apply's.
 */
async function writeStacker(w: World): Promise<void> {
  await writeFile(`${w.dir}/stack.mjs`, `import {readFileSync} from 'node:fs'
const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'))
for (const c of plan.changes.filter((c) => c.action === 'mount')) {
  const how = c.fstype === 'bind' ? '-o bind,' + c.options.join(',') : '-t ' + c.fstype + ' -o ' + c.options.join(',')
  console.log('mkdir -p ' + c.target + ' && mount -n ' + how + ' ' + c.source + ' ' + c.target)
}
`)
}

/** A shell function printing the mount points at or below a directory, from mountinfo. */
const BELOW = `below() { awk -v b="$1" '$5 == b || index($5, b "/") == 1 {print $5}' /proc/self/mountinfo; }`

/** The value of `KEY value` lines a script printed. */
function marks(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.split('\n').map((l) => /^([A-Z0-9_]+) ?(.*)$/.exec(l)).filter((m) => m !== null).map((m) => [m![1], m![2]]))
}

// Real mounts on Linux. Every scenario runs in its own private mount namespace (unshare --mount --propagation
// private) under a temporary build base, always mounting with -n; the host's mountinfo is compared before and after.
describe('doctor on Linux (real mounts, private namespaces)', function () {
  let hostBefore = ''
  const worlds: World[] = []
  before(function () {
    if (!canMount) {
      console.log('    (skipped: doctor integration tests need root on Linux to mount in private namespaces)')
      this.skip()
    }
    hostBefore = readFileSync('/proc/self/mountinfo', 'utf8')
  })
  afterEach(async () => {
    expect(readFileSync('/proc/self/mountinfo', 'utf8'), "the host's mount table changed").to.equal(hostBefore)
    for (const w of worlds.splice(0)) await rm(w.dir, {recursive: true, force: true})
  })

  it('three stacked layers on SL00: doctor reports 3 layers (exit 2), --fix leaves exactly one complete layer', async () => {
    // GIVEN two applied slots, then SL00 mounted twice more on top of itself
    const w = await makeWorld(2)
    worlds.push(w)
    await writeStacker(w)
    const r = await inNamespace(`${BELOW}
set -e
$DSYNTH plan --json --slot SL00 --config ${w.ini} > ${w.dir}/sl00.json
$DSYNTH apply --auto-approve --config ${w.ini} > ${w.dir}/apply.log
node ${w.dir}/stack.mjs ${w.dir}/sl00.json > ${w.dir}/stack.sh
bash -e ${w.dir}/stack.sh
bash -e ${w.dir}/stack.sh
echo "BEFORE $(below ${w.base}/SL00 | wc -l)"
set +e
# WHEN doctor checks, then repairs
$DSYNTH doctor --config ${w.ini} > ${w.dir}/doctor.txt; echo "DOCTOR $?"
$DSYNTH doctor --config ${w.ini} --json > ${w.dir}/doctor.json
$DSYNTH doctor --fix --auto-approve --config ${w.ini} > ${w.dir}/fix.txt 2>&1; echo "FIX $?"
$DSYNTH plan --detailed-exitcode --config ${w.ini} > /dev/null; echo "PLAN $?"
$DSYNTH status --json --config ${w.ini} > ${w.dir}/status.json
echo "AFTER $(below ${w.base}/SL00 | wc -l)"
echo "SL01 $(below ${w.base}/SL01 | wc -l)"
`)
    const m = marks(r.stdout)
    const n = (JSON.parse(await readFile(`${w.dir}/sl00.json`, 'utf8')) as {changes: {action: string}[]}).changes.filter((c) => c.action === 'mount').length
    expect(n, r.stderr).to.equal(22)
    expect(m.BEFORE, r.stderr).to.equal(String(3 * n))
    // THEN doctor sees the stack, and after the fix one complete layer is left and the plan is empty
    expect(m.DOCTOR).to.equal('2')
    expect(await readFile(`${w.dir}/doctor.txt`, 'utf8')).to.include(`✗ SL00: 3 layers, ${3 * n} mounts, expected 1 layer of ${n}`)
    const doc = JSON.parse(await readFile(`${w.dir}/doctor.json`, 'utf8')) as DoctorReport
    // the layers were mounted by hand, as a crashed run leaves them: no Template copied into the visible root either
    expect(doc.checks.filter((c) => c.status === 'problem').map((c) => `${c.id} ${c.slot}`)).to.deep.equal(['slot-stacked SL00', 'slot-unpopulated SL00'])
    expect(doc.repair.plan.summary).to.deep.equal({mount: 0, remount: 0, unmount: 2 * n})
    expect(m.FIX, await readFile(`${w.dir}/fix.txt`, 'utf8')).to.equal('0')
    expect(m.PLAN).to.equal('0')
    expect([m.AFTER, m.SL01]).to.deep.equal([String(n), String(n)])
    const status = JSON.parse(await readFile(`${w.dir}/status.json`, 'utf8')) as {slotStates: {name: string; state: string; layers: number}[]}
    expect(status.slotStates.map((s) => `${s.name} ${s.state} ${s.layers}`)).to.deep.equal(['SL00 ok 1', 'SL01 ok 1'])
  })

  it('a process holding a slot: reported with its pid; --fix leaves it and its mounts alone, --fix --kill stops it and repairs the slot', async () => {
    // GIVEN SL01 missing its /distfiles, with a process whose cwd is in SL01/construction
    const w = await makeWorld(2)
    worlds.push(w)
    const r = await inNamespace(`${BELOW}
$DSYNTH apply --auto-approve --config ${w.ini} > /dev/null || exit 9
(cd ${w.base}/SL01/construction && exec sleep 600) &
PID=$!
trap 'kill -9 $PID 2>/dev/null' EXIT
umount -n ${w.base}/SL01/distfiles
echo "PID $PID"
alive() { kill -0 $PID 2>/dev/null && ! grep -q ') Z' /proc/$PID/stat 2>/dev/null; }
below ${w.base}/SL01 > ${w.dir}/sl01.before
# WHEN doctor checks, repairs without --kill, then with --kill
$DSYNTH doctor --config ${w.ini} --json > ${w.dir}/doctor.json; echo "DOCTOR $?"
$DSYNTH doctor --fix --auto-approve --config ${w.ini} > ${w.dir}/fix1.txt 2>&1; echo "FIX1 $?"
below ${w.base}/SL01 > ${w.dir}/sl01.after
cmp -s ${w.dir}/sl01.before ${w.dir}/sl01.after && echo "SL01_UNCHANGED yes"
alive && echo "ALIVE yes"
$DSYNTH doctor --fix --kill --kill-timeout 3s --auto-approve --config ${w.ini} > ${w.dir}/fix2.txt 2>&1; echo "FIX2 $?"
alive || echo "GONE yes"
$DSYNTH plan --detailed-exitcode --config ${w.ini} > /dev/null; echo "PLAN $?"
echo "SL01 $(below ${w.base}/SL01 | wc -l)"
`)
    const m = marks(r.stdout)
    expect(m.PID, r.stderr).to.match(/^\d+$/)
    // THEN the process is named with its pid and slot
    expect(m.DOCTOR).to.equal('2')
    const doc = JSON.parse(await readFile(`${w.dir}/doctor.json`, 'utf8')) as DoctorReport
    const held = doc.checks.find((c) => c.id === 'slot-processes')!
    expect(held).to.deep.include({slot: 'SL01', status: 'problem', repair: 'kill'})
    expect(held.evidence.join('\n')).to.include(`pid ${m.PID}  root  sleep 600  (cwd: ${w.base}/SL01/construction)`)
    // without --kill: not fixed (exit 2), the process lives, SL01's mounts are exactly as they were
    const fix1 = await readFile(`${w.dir}/fix1.txt`, 'utf8')
    expect(m.FIX1, fix1).to.equal('2')
    expect(fix1).to.include('slots held by processes: SL01 (add --kill to stop them)')
    expect([m.SL01_UNCHANGED, m.ALIVE]).to.deep.equal(['yes', 'yes'])
    // with --kill: the process is gone, SL01 is complete, the plan is empty
    const fix2 = await readFile(`${w.dir}/fix2.txt`, 'utf8')
    expect(m.FIX2, fix2).to.equal('0')
    expect(fix2).to.include(`Stopped with SIGTERM: pid ${m.PID}`)
    expect([m.GONE, m.PLAN, m.SL01]).to.deep.equal(['yes', '0', '22'])
  })

  it('a lock whose pid is dead is reported and removed by --fix', async () => {
    const w = await makeWorld(2)
    worlds.push(w)
    const lock = `${w.base}/.dsynth-slots.lock`
    const r = await inNamespace(`
$DSYNTH apply --auto-approve --config ${w.ini} > /dev/null || exit 9
kill -0 999999 2>/dev/null && echo "PID_IN_USE yes"
printf '{"pid": 999999, "command": "dsynth apply", "user": "root", "host": "%s", "startedAt": "2026-01-01T00:00:00.000Z"}\\n' "$(hostname)" > ${lock}
$DSYNTH doctor --config ${w.ini} --json > ${w.dir}/doctor.json; echo "DOCTOR $?"
$DSYNTH doctor --fix --auto-approve --config ${w.ini} > ${w.dir}/fix.txt 2>&1; echo "FIX $?"
[ -e ${lock} ] && echo "LOCK_LEFT yes"
$DSYNTH doctor --config ${w.ini} > /dev/null; echo "AFTER $?"
`)
    const m = marks(r.stdout)
    if (m.PID_IN_USE) return // pid 999999 happens to run here: the premise does not hold
    expect(m.DOCTOR, r.stderr).to.equal('2')
    const doc = JSON.parse(await readFile(`${w.dir}/doctor.json`, 'utf8')) as DoctorReport
    expect(doc.checks.filter((c) => c.status === 'problem').map((c) => c.summary)).to.deep.equal(
      [`lock: stale, pid 999999 (dsynth apply) by root@${os.hostname()} since 2026-01-01T00:00:00.000Z is not running (${lock})`])
    expect(m.FIX, await readFile(`${w.dir}/fix.txt`, 'utf8')).to.equal('0')
    expect(m.LOCK_LEFT).to.equal(undefined)
    expect(m.AFTER).to.equal('0')
  })

  it('an extra slot after lowering Number_of_builders is torn down and its directory removed (rmdir)', async () => {
    const w = await makeWorld(2)
    worlds.push(w)
    const r = await inNamespace(`${BELOW}
$DSYNTH apply --auto-approve --config ${w.ini} > /dev/null || exit 9
sed -i 's/Number_of_builders= 2/Number_of_builders= 1/' ${w.ini}
$DSYNTH doctor --config ${w.ini} --json > ${w.dir}/doctor.json; echo "DOCTOR $?"
$DSYNTH doctor --fix --auto-approve --config ${w.ini} > ${w.dir}/fix.txt 2>&1; echo "FIX $?"
echo "SL01 $(below ${w.base}/SL01 | wc -l)"
[ -e ${w.base}/SL01 ] && echo "DIR_LEFT yes"
ls ${w.dir}/synth/packages/CANARY ${w.dir}/synth/distfiles/CANARY ${w.dir}/synth/options/CANARY ${w.dir}/synth/ports/CANARY > /dev/null && echo "CANARIES yes"
`)
    const m = marks(r.stdout)
    expect(m.DOCTOR, r.stderr).to.equal('2')
    const doc = JSON.parse(await readFile(`${w.dir}/doctor.json`, 'utf8')) as DoctorReport
    expect(doc.checks.filter((c) => c.status === 'problem').map((c) => `${c.id} ${c.slot}: ${c.summary}`)).to.deep.equal(
      ['slot-extra SL01: extra slot: 22 mounts, Number_of_builders is 1'])
    expect(m.FIX, await readFile(`${w.dir}/fix.txt`, 'utf8')).to.equal('0')
    expect([m.SL01, m.DIR_LEFT, m.CANARIES]).to.deep.equal(['0', undefined, 'yes'])
  })
})
