import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdtemp, readFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {canMount, inNamespace, makeWorld, REPO, trackTempDir} from '../../helpers/namespace.js'

/**
 * Concurrency on one build base: 8 `dsynth apply` at once (waiting for the lock, or failing at once and naming the
 * holder), and `dsynth build` against `apply` both ways. Proof that only one dsynth changes mounts at a time comes
 * from `mount`/`umount` wrappers on PATH that log, per call, the dsynth pid that ran it ($PPID: dsynth spawns them
 * directly) and when the call started and ended: no two calls of different pids may overlap.
 */

/** One logged mount/umount call. */
interface Call {
  pid: number
  prog: string
  start: bigint
  end: bigint
}

/** Wrapper scripts that log every call; `SLOW_<PROG>` seconds of sleep before the real program (to hold the lock longer). */
export function loggingWrappers(dir: string): string {
  return `
mkdir -p ${dir}/wrap
for p in mount umount chroot; do cat > ${dir}/wrap/$p <<'SH'
#!/bin/bash
prog=$(basename "$0")
s=$(date +%s%N)
slow=SLOW_\${prog^^}; [ -n "\${!slow:-}" ] && sleep "\${!slow}"
real=/usr/bin/$prog; [ -x "$real" ] || real=/usr/sbin/$prog
"$real" "$@"; rc=$?
[ "$prog" != chroot ] && echo "$PPID $prog $s $(date +%s%N) $rc" >> "$CALL_LOG"
exit $rc
SH
chmod +x ${dir}/wrap/$p; done
export PATH=${dir}/wrap:$PATH CALL_LOG=${dir}/calls.log
: > ${dir}/calls.log
`
}

/** The logged calls. */
export async function readCalls(file: string): Promise<Call[]> {
  const text = await readFile(file, 'utf8')
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const [pid, prog, start, end] = l.split(' ')
    return {pid: Number(pid), prog, start: BigInt(start), end: BigInt(end)}
  })
}

/** Pairs of calls by different pids whose time spans overlap (empty when only one dsynth acted at a time). */
export function overlaps(calls: readonly Call[]): string[] {
  const sorted = [...calls].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  const out: string[] = []
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].start < sorted[i].end; j++) {
      if (sorted[j].pid !== sorted[i].pid) out.push(`${sorted[i].prog} of pid ${sorted[i].pid} overlaps ${sorted[j].prog} of pid ${sorted[j].pid}`)
    }
  }
  return out
}

const hasBuildTools = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v bmake && command -v cc && command -v tar'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

/** Defines the suite; `rounds` repeats of the 8-at-once runs. */
export function defineConcurrencySuite(rounds: number): void {
  describe(`concurrency: 8 applies at once (${rounds} round${rounds === 1 ? '' : 's'}), build against apply (real mounts)`, function () {
    before(function () {
      if (!canMount) {
        console.log('    (skipped: needs root on Linux to mount in private namespaces)')
        this.skip()
      }
    })

    it('8 applies at once that wait for the lock: one changes mounts at a time, all exit 0, the final state is exact', async function () {
      this.timeout(rounds * 120_000)
      const w = await makeWorld(8)
      // GIVEN empty slots in odd rounds, and converged slots with a second layer on SL00..SL03 in even ones
      const r = await inNamespace(`${loggingWrappers(w.dir)}
for round in $(seq 1 ${rounds}); do
  if [ $((round % 2)) = 0 ]; then
    for t in $(grep -oE " ${w.base}/SL0[0-3]\\S*" /proc/self/mountinfo); do echo "layer2 $t tmpfs rw,size=1m,x-mount.mkdir 0 0"; done > ${w.dir}/stack.fstab
    /usr/bin/mount -a -n -T ${w.dir}/stack.fstab
  else
    $DSYNTH destroy -y --config ${w.ini} >/dev/null 2>&1
  fi
  : > ${w.dir}/calls.log
  pids=""
  # WHEN 8 applies start at once
  for i in 1 2 3 4 5 6 7 8; do $DSYNTH apply -y --lock-timeout 60s --config ${w.ini} > ${w.dir}/out.$i 2>&1 & pids="$pids $!"; done
  codes=""; for p in $pids; do wait $p; codes="$codes $?"; done
  echo "round $round codes:$codes"
  echo "round $round plan=$($DSYNTH plan --detailed-exitcode --config ${w.ini} >/dev/null 2>&1; echo $?) mounts=$(grep -c " ${w.base}/SL" /proc/self/mountinfo)"
  echo "round $round changed=$(grep -l 'Apply complete!' ${w.dir}/out.* | wc -l) waited=$(grep -l 'No changes' ${w.dir}/out.* | wc -l)"
  cp ${w.dir}/calls.log ${w.dir}/calls.$round
done
`, {}, rounds * 120_000)
      for (let round = 1; round <= rounds; round++) {
        // THEN all 8 exit 0, the state is exact, exactly one of them changed mounts, and no two ran mount/umount at once
        expect(r.stdout, r.stderr).to.contain(`round ${round} codes: 0 0 0 0 0 0 0 0`)
        expect(r.stdout).to.contain(`round ${round} plan=0 mounts=176`)
        expect(r.stdout).to.contain(`round ${round} changed=1 waited=7`)
        const calls = await readCalls(`${w.dir}/calls.${round}`)
        expect(calls.length).to.be.greaterThan(0)
        expect(new Set(calls.map((c) => c.pid)).size, 'one dsynth ran every mount/umount').to.equal(1)
        expect(overlaps(calls)).to.deep.equal([])
      }
    })

    it('4 applies and 4 destroys at once, waiting: never two at once, and the end state is what the last to act asked for', async function () {
      this.timeout(rounds * 120_000)
      const w = await makeWorld(8)
      const r = await inNamespace(`${loggingWrappers(w.dir)}
for round in $(seq 1 ${rounds}); do
  : > ${w.dir}/calls.log
  pids=""
  for i in 1 2 3 4; do
    $DSYNTH apply -y --lock-timeout 60s --config ${w.ini} > /dev/null 2>&1 & pids="$pids apply:$!"
    $DSYNTH destroy -y --lock-timeout 60s --config ${w.ini} > /dev/null 2>&1 & pids="$pids destroy:$!"
  done
  codes=""; for p in $pids; do wait \${p#*:}; codes="$codes $?"; done
  echo "round $round codes:$codes pids:$pids"
  echo "round $round plan=$($DSYNTH plan --detailed-exitcode --config ${w.ini} >/dev/null 2>&1; echo $?) mounts=$(grep -c " ${w.base}/SL" /proc/self/mountinfo) dirs=$(ls ${w.base} | grep -c '^SL')"
  cp ${w.dir}/calls.log ${w.dir}/calls.$round
done
`, {}, rounds * 120_000)
      for (let round = 1; round <= rounds; round++) {
        expect(r.stdout, r.stderr).to.contain(`round ${round} codes: 0 0 0 0 0 0 0 0`)
        const kinds = new Map([...new RegExp(`round ${round} codes:[\\d ]+ pids: (.*)`).exec(r.stdout)![1].matchAll(/(\w+):(\d+)/g)].map((m) => [Number(m[2]), m[1]]))
        const calls = await readCalls(`${w.dir}/calls.${round}`)
        expect(overlaps(calls)).to.deep.equal([])
        // the last to change mounts decides the end state; with no calls at all the slots were already destroyed
        const last = calls.reduce<(typeof calls)[number] | undefined>((a, c) => (a === undefined || c.end > a.end ? c : a), undefined)
        const state = new RegExp(`round ${round} plan=(\\d+) mounts=(\\d+) dirs=(\\d+)`).exec(r.stdout)!.slice(1).map(Number)
        if (last !== undefined && kinds.get(last.pid) === 'apply') expect(state).to.deep.equal([0, 176, 8])
        else expect(state).to.deep.equal([2, 0, 0])
      }
    })

    it('8 applies at once without waiting: the others fail at once naming the holder; only the holder mounts', async function () {
      this.timeout(rounds * 120_000)
      const w = await makeWorld(8)
      const r = await inNamespace(`${loggingWrappers(w.dir)}
for round in $(seq 1 ${rounds}); do
  $DSYNTH destroy -y --config ${w.ini} >/dev/null 2>&1
  : > ${w.dir}/calls.log
  pids=""
  # a slow first mount keeps the lock held while the others start
  for i in 1 2 3 4 5 6 7 8; do SLOW_MOUNT=0.5 $DSYNTH apply -y --config ${w.ini} > ${w.dir}/out.$i 2>&1 & pids="$pids $!"; done
  codes=""; for p in $pids; do wait $p; codes="$codes $?"; done
  echo "round $round codes:$codes pids:$pids"
  grep -h 'is locked by' ${w.dir}/out.* | sed "s/^/round $round /"
  echo "round $round plan=$($DSYNTH plan --detailed-exitcode --config ${w.ini} >/dev/null 2>&1; echo $?)"
  cp ${w.dir}/calls.log ${w.dir}/calls.$round
done
`, {}, rounds * 120_000)
      for (let round = 1; round <= rounds; round++) {
        const m = new RegExp(`round ${round} codes: ([\\d ]+) pids: ([\\d ]+)`).exec(r.stdout)
        expect(m, r.stdout + r.stderr).to.not.equal(null)
        const codes = m![1].trim().split(' ').map(Number)
        const pids = m![2].trim().split(' ').map(Number)
        const calls = await readCalls(`${w.dir}/calls.${round}`)
        const holders = [...new Set(calls.map((c) => c.pid))]
        // THEN one applied (exit 0), the others that found the lock held exit 1 and name it: pid and command
        expect(holders).to.have.length(1)
        expect(codes[pids.indexOf(holders[0])]).to.equal(0)
        const named = [...r.stdout.matchAll(new RegExp(`round ${round} Error: the build base \\S+ is locked by pid (\\d+) \\(dsynth apply -y --config`, 'g'))].map((x) => Number(x[1]))
        expect(codes.filter((c) => c === 1)).to.have.length(named.length)
        expect(named.length).to.be.greaterThan(0)
        expect(new Set(named)).to.deep.equal(new Set(holders))
        expect(codes.every((c) => c === 0 || c === 1)).to.equal(true)
        expect(r.stdout).to.contain(`round ${round} plan=0`)
        expect(overlaps(calls)).to.deep.equal([])
      }
    })

    it('dsynth build while an apply holds the lock, and apply while a build holds it: refused naming the holder, or waits; never both at once', async function () {
      if (!hasBuildTools) {
        console.log('      (skipped: needs bmake, cc and tar: apt-get install bmake gcc)')
        this.skip()
      }
      this.timeout(300_000)
      const demo = await mkdtemp(path.join(os.tmpdir(), 'dsynth-hard-demo-'))
      trackTempDir(demo)
      execFileSync('sh', [path.join(REPO, 'examples/linux-demo.sh')], {env: {...process.env, DSYNTH_DEMO: demo}, stdio: 'ignore'})
      const ini = `${demo}/dsynth.ini`
      const lock = `${demo}/build/.dsynth-slots.lock`
      const waitLock = (who: string) => `for i in $(seq 1 200); do grep -q '${who}' ${lock} 2>/dev/null && break; sleep 0.05; done`
      const r = await inNamespace(`${loggingWrappers(demo)}
# an apply that holds the lock (each mount call takes 1 s)
SLOW_MOUNT=1 $DSYNTH apply -y --config ${ini} > ${demo}/apply1.out 2>&1 & a=$!
${waitLock('dsynth apply')}
echo "apply=$a"
$DSYNTH build -y --config ${ini} misc/hello > ${demo}/build1.out 2>&1; echo "build1=$?"
$DSYNTH build -y --lock-timeout 60s --config ${ini} misc/hello > ${demo}/build2.out 2>&1; echo "build2=$?"
wait $a; echo "apply1=$?"
ls ${demo}/packages/All
# the reverse: a build that holds the lock (each chroot call takes 0.3 s)
SLOW_CHROOT=0.3 $DSYNTH build -y --force --config ${ini} misc/hello > ${demo}/build3.out 2>&1 & b=$!
${waitLock('dsynth build')}
echo "build=$b"
$DSYNTH apply -y --config ${ini} > ${demo}/apply2.out 2>&1; echo "apply2=$?"
$DSYNTH apply -y --lock-timeout 120s --config ${ini} > ${demo}/apply3.out 2>&1; echo "apply3=$?"
wait $b; echo "build3=$?"
$DSYNTH plan --detailed-exitcode --config ${ini} >/dev/null 2>&1; echo "plan=$?"
cat ${demo}/build1.out ${demo}/apply2.out
`, {}, 300_000)
      const out = r.stdout
      const applyPid = /apply=(\d+)/.exec(out)?.[1]
      const buildPid = /build=(\d+)/.exec(out)?.[1]
      expect(out, r.stderr).to.match(/build1=1/)
      expect(out).to.contain(`is locked by pid ${applyPid} (dsynth apply -y --config`)
      expect(out).to.match(/build2=0/)
      expect(out).to.match(/apply1=0/)
      expect(out).to.match(/hello-1\.0\.tgz/)
      expect(out).to.match(/apply2=1/)
      expect(out).to.contain(`is locked by pid ${buildPid} (dsynth build -y --force --config`)
      expect(out).to.match(/apply3=0/)
      expect(out).to.match(/build3=0/)
      expect(out).to.match(/plan=0/)
      const calls = await readCalls(`${demo}/calls.log`)
      expect(new Set(calls.map((c) => c.pid)).size).to.be.greaterThan(1)
      expect(overlaps(calls)).to.deep.equal([])
    })
  })
}
