import {expect} from 'chai'
import {canMount, inNamespace, makeWorld, type World} from '../../helpers/namespace.js'

/** How a simulated command failure behaves: `fail` does nothing, `half` does half its work first. */
export type FailMode = 'fail' | 'half'

/**
 * Which commands fail.
 * - `mountCall`: `[N, mode]` = the Nth `mount` call fails. The Linux driver hands slots that are ready at the same
 *   moment to one `mount -a`, so how many calls an apply of 4 slots makes depends on timing: a case whose Nth call
 *   never came must have converged (exit 0), and the first call always comes.
 * - `mountSlot`: `[k, mode]` = the `mount` call that carries slot SLk's lines fails on those lines and mounts the
 *   other slots' lines (as `mount -a` goes on after a failed entry): exactly that slot fails, whatever the grouping.
 * - `umount`: `[N, mode]` = the Nth `umount` call fails; a destroy of 3 slots makes at least 3 (one batch per slot).
 */
export interface FailureCases {
  mountCall: ReadonlyArray<readonly [number, FailMode]>
  mountSlot: ReadonlyArray<readonly [number, FailMode]>
  umount: ReadonlyArray<readonly [number, FailMode]>
}

/**
 * Faults of the host rather than of dsynth: a mount or umount command that fails, an unmount that stays busy, a full
 * disk and a read-only filesystem under the build base. Each must give a clear error and exit 1, and once the cause is
 * gone the next apply must converge. Real mounts, each scenario in its own private mount namespace.
 */
export function defineFailureSuite(cases: FailureCases): void {
const mountCases = cases.mountCall.length + cases.mountSlot.length
describe(`host faults: failing mount (${mountCases} cases) and umount (${cases.umount.length}), busy, full and read-only build base (real mounts)`, function () {
  this.timeout(Math.max(120_000, (mountCases + cases.umount.length) * 10_000))
  before(function () {
    if (!canMount) {
      console.log('    (skipped: these tests need root on Linux to mount in private namespaces)')
      this.skip()
    }
  })

  /**
   * `mount` and `umount` wrappers on PATH. Call number $FAIL_AT of $FAIL_PROG fails; or, with FAIL_SLOT=SLk, the mount
   * call whose fstab holds SLk's lines fails after mounting the other slots' lines. FAIL_MODE=fail does nothing (of
   * the victim's lines); FAIL_MODE=half first mounts the first half of them (as `mount -a` stopping midway would) or
   * unmounts the first half of the targets. A failure leaves `$WRAPDIR/failed`. Calls are counted under flock: dsynth
   * runs slots in parallel.
   */
  const wrappers = (w: World) => `
mkdir -p ${w.dir}/wrap
for p in mount umount; do cat > ${w.dir}/wrap/$p <<'SH'
#!/bin/bash
prog=$(basename "$0")
exec 9>>"$WRAPDIR/count.lock"; flock 9
n=$(( $(cat "$WRAPDIR/$prog.count" 2>/dev/null || echo 0) + 1 )); echo $n > "$WRAPDIR/$prog.count"
flock -u 9
args=("$@"); f=
for i in "\${!args[@]}"; do [ "\${args[$i]}" = -T ] && f=\${args[$((i+1))]}; done
if [ "$prog" = mount ] && [ -n "\${FAIL_SLOT:-}" ] && [ -n "$f" ] && awk -v s="$SLOTBASE/$FAIL_SLOT" '$2 == s || index($2, s "/") == 1 {found=1} END {exit !found}' "$f"; then
  awk -v s="$SLOTBASE/$FAIL_SLOT" '!($2 == s || index($2, s "/") == 1)' "$f" > "$f.rest"
  awk -v s="$SLOTBASE/$FAIL_SLOT" '$2 == s || index($2, s "/") == 1' "$f" > "$f.victim"
  [ -s "$f.rest" ] && /usr/bin/mount -a -n -T "$f.rest"
  if [ "\${FAIL_MODE:-fail}" = half ]; then
    head -n $(( $(wc -l < "$f.victim") / 2 )) "$f.victim" > "$f.half"; /usr/bin/mount -a -n -T "$f.half"
  fi
  touch "$WRAPDIR/failed"; echo "$prog: simulated failure of call $n ($FAIL_SLOT)" >&2; exit 32
fi
if [ "$prog" = "\${FAIL_PROG:-}" ] && [ "$n" = "\${FAIL_AT:-0}" ]; then
  if [ "\${FAIL_MODE:-fail}" = half ]; then
    if [ "$prog" = mount ]; then
      head -n $(( $(wc -l < "$f") / 2 )) "$f" > "$f.half"; /usr/bin/mount -a -n -T "$f.half"
    else
      targets=("\${args[@]:1}"); /usr/bin/umount -n "\${targets[@]:0:$(( \${#targets[@]} / 2 ))}" 2>/dev/null
    fi
  fi
  touch "$WRAPDIR/failed"; echo "$prog: simulated failure of call $n" >&2; exit 32
fi
exec /usr/bin/$prog "$@"
SH
chmod +x ${w.dir}/wrap/$p; done
export WRAPDIR=${w.dir}/wrap SLOTBASE=${w.base}
`
  const cfg = (w: World) => `--config ${w.ini}`
  /** The checks after the cause is gone: apply converges and plans empty. */
  const converge = (w: World, tag: string) => `
$DSYNTH apply -y ${cfg(w)} > ${w.dir}/conv.out 2>&1; echo "${tag}:converge=$?"
$DSYNTH plan --detailed-exitcode ${cfg(w)} >/dev/null 2>&1; echo "${tag}:plan=$?"
`
  const codes = (out: string, tag: string) => ({
    rc: Number(new RegExp(`${tag}:rc=(\\d+)`).exec(out)?.[1]),
    converge: Number(new RegExp(`${tag}:converge=(\\d+)`).exec(out)?.[1]),
    plan: Number(new RegExp(`${tag}:plan=(\\d+)`).exec(out)?.[1]),
  })

  it('a mount command failing (its Nth call, or the call carrying one slot; nothing or half mounted): error naming it, exit 1, next apply converges', async () => {
    // GIVEN 4 empty slots and a mount that fails on its Nth call, or on the lines of one slot
    const w = await makeWorld(4)
    const all = [
      ...cases.mountCall.map(([n, m], i) => `c${i}:${n}:${m}`),
      ...cases.mountSlot.map(([k, m], i) => `s${i}:SL0${k}:${m}`),
    ]
    const r = await inNamespace(`${wrappers(w)}
for c in ${all.join(' ')}; do
  sel=$(echo $c | cut -d: -f2); mode=$(echo $c | cut -d: -f3); rm -f $WRAPDIR/*.count $WRAPDIR/failed
  case $c in c*) fail="FAIL_PROG=mount FAIL_AT=$sel" ;; *) fail="FAIL_SLOT=$sel" ;; esac
  # WHEN apply runs with the failing mount on PATH
  env PATH=$WRAPDIR:$PATH $fail FAIL_MODE=$mode $DSYNTH apply -y ${cfg(w)} > ${w.dir}/out.$c 2>&1; echo "$c:rc=$?"
  [ -e $WRAPDIR/failed ] && echo "$c:failed"
  tail -3 ${w.dir}/out.$c; grep -m1 'simulated failure' ${w.dir}/out.$c
  # THEN once the wrapper is gone the next apply converges
  ${converge(w, '$c')}
  $DSYNTH destroy -y ${cfg(w)} >/dev/null 2>&1
done
`, {}, all.length * 20_000)
    for (const c of all) {
      const failed = r.stdout.includes(`${c}:failed\n`)
      // the first call always comes and every slot's lines are mounted by some call: those always fail
      if (c.startsWith('s') || c.split(':')[1] === '1') expect(failed, `${c} never failed\n${r.stdout}`).to.equal(true)
      expect(codes(r.stdout, c), `${c}\n${r.stdout}\n${r.stderr}`).to.deep.equal({rc: failed ? 1 : 0, converge: 0, plan: 0})
    }
    expect(r.stdout).to.match(/mount -a -n -T \S+: mount: simulated failure of call \d+/)
    for (const [i, [k, m]] of cases.mountSlot.entries()) {
      // exactly the slot whose lines failed is reported, the others are mounted
      const c = `s${i}:SL0${k}:${m}`
      const out = r.stdout.slice(r.stdout.indexOf(`${c}:rc=`), r.stdout.indexOf(`${c}:converge=`))
      expect(out, r.stdout).to.match(/Apply incomplete\. Slots: 3 ok\./)
      expect(out, r.stdout).to.match(new RegExp(`SL0${k}: mount failed`))
    }
  })

  it('an umount failing (nothing or half unmounted): destroy says which command failed, exit 1; then destroy and apply converge', async () => {
    const w = await makeWorld(3)
    const r = await inNamespace(`${wrappers(w)}
$DSYNTH apply -y ${cfg(w)} >/dev/null 2>&1
for c in ${cases.umount.map(([n, m], i) => `${i}:${n}:${m}`).join(' ')}; do
  n=$(echo $c | cut -d: -f2); mode=$(echo $c | cut -d: -f3); rm -f $WRAPDIR/*.count
  PATH=$WRAPDIR:$PATH FAIL_PROG=umount FAIL_AT=$n FAIL_MODE=$mode $DSYNTH destroy -y --busy-timeout 0 ${cfg(w)} > ${w.dir}/out.$c 2>&1; echo "$c:rc=$?"
  grep -m1 'simulated failure' ${w.dir}/out.$c; tail -1 ${w.dir}/out.$c
  echo "$c:mounted=$(grep -c ' ${w.base}/SL' /proc/self/mountinfo)"
  ${converge(w, '$c')}
done
$DSYNTH destroy -y ${cfg(w)} >/dev/null 2>&1; echo "destroy=$?"
echo "left=$(grep -c ' ${w.base}/SL' /proc/self/mountinfo) dirs=$(ls ${w.base} | grep -c '^SL')"
`, {}, cases.umount.length * 20_000)
    for (const [i, [n, m]] of cases.umount.entries()) {
      expect(codes(r.stdout, `${i}:${n}:${m}`), `${i}:${n}:${m}\n${r.stdout}\n${r.stderr}`).to.deep.equal({rc: 1, converge: 0, plan: 0})
    }
    expect(r.stdout).to.match(/umount -n \S+.*: umount: simulated failure of call \d+/)
    expect(r.stdout).to.match(/Destroy incomplete\./)
    for (const [i, [n, m]] of cases.umount.entries()) expect(r.stdout).to.match(new RegExp(`^${i}:${n}:${m}:mounted=([1-9]\\d*)$`, 'm'))
    expect(r.stdout).to.match(/destroy=0/)
    expect(r.stdout).to.match(/left=0 dirs=0/)
  })

  it('a busy unmount is reported with the pid holding it, exit 1; once the process is gone the next apply converges', async () => {
    const w = await makeWorld(2)
    const r = await inNamespace(`
$DSYNTH apply -y ${cfg(w)} >/dev/null 2>&1
(cd ${w.base}/SL01/construction && exec sleep 60) & holder=$!
sleep 0.2
echo "holder=$holder"
$DSYNTH destroy -y --busy-timeout 1s ${cfg(w)}; echo "busy:rc=$?"
kill $holder; wait $holder 2>/dev/null
${converge(w, 'busy')}
$DSYNTH destroy -y ${cfg(w)} >/dev/null; echo "destroy=$?"
`)
    const pid = /holder=(\d+)/.exec(r.stdout)![1]
    expect(codes(r.stdout, 'busy'), r.stdout + r.stderr).to.deep.equal({rc: 1, converge: 0, plan: 0})
    expect(r.stdout).to.match(/SL01: busy, left in place/)
    expect(r.stdout).to.contain(`pid ${pid}`)
    expect(r.stdout).to.match(/Destroy incomplete\. Slots: 1 removed\./)
    expect(r.stdout).to.match(/destroy=0/)
  })

  it('a full disk under the build base (a 2 MB tmpfs): the lock or the Template names the file and says the disk is full, exit 1; converges once space is freed', async () => {
    const w = await makeWorld(2)
    const r = await inNamespace(`
mount -n -t tmpfs -o size=2m full ${w.base}
# GIVEN a build base with no space left at all: the lock cannot be written
dd if=/dev/zero of=${w.base}/fill bs=4k >/dev/null 2>&1
$DSYNTH apply -y ${cfg(w)}; echo "full:rc=$?"
echo "full:mounted=$(grep -c ' ${w.base}/SL' /proc/self/mountinfo)"
rm ${w.base}/fill
${converge(w, 'full')}
$DSYNTH destroy -y ${cfg(w)} >/dev/null; rm -rf ${w.base}/Template ${w.base}/.template.good
# GIVEN room for the lock but not for the Template
dd if=/dev/zero of=${w.base}/fill bs=4k count=$(( $(df --output=avail -k ${w.base} | tail -1) / 4 - 1 )) >/dev/null 2>&1
$DSYNTH apply -y ${cfg(w)}; echo "tpl:rc=$?"
rm ${w.base}/fill
${converge(w, 'tpl')}
ls ${w.base}/SL00/etc/passwd
$DSYNTH destroy -y ${cfg(w)} >/dev/null; echo "destroy=$?"
`)
    expect(codes(r.stdout, 'full'), r.stdout + r.stderr).to.deep.equal({rc: 1, converge: 0, plan: 0})
    expect(codes(r.stdout, 'tpl'), r.stdout + r.stderr).to.deep.equal({rc: 1, converge: 0, plan: 0})
    expect(r.stdout).to.match(/full:mounted=0/)
    expect(r.stderr).to.match(/Error: cannot lock the build base \S+: writing \S+\.tmp failed: no space left on device \(ENOSPC\)\n {2}the filesystem is full/)
    expect(r.stderr).to.match(/Error: cannot create the Template \S+\/Template: no space left on device \(ENOSPC\)\n {2}the filesystem is full/)
    expect(r.stdout).to.match(/SL00\/etc\/passwd/)
    expect(r.stdout).to.match(/destroy=0/)
  })

  it('a read-only build base: apply and destroy refuse clearly (exit 1) and change nothing; converge once it is read-write', async () => {
    const w = await makeWorld(2)
    const r = await inNamespace(`
ro() { mount -n --bind ${w.base} ${w.base} && mount -n -o remount,bind,ro ${w.base}; }
ro
$DSYNTH apply -y ${cfg(w)}; echo "ro:rc=$?"
echo "ro:mounted=$(grep -c ' ${w.base}/SL' /proc/self/mountinfo)"
umount -n ${w.base}
${converge(w, 'ro')}
ro
$DSYNTH destroy -y ${cfg(w)}; echo "rodestroy:rc=$?"
echo "rodestroy:mounted=$(grep -c ' ${w.base}/SL' /proc/self/mountinfo)"
umount -n ${w.base}
${converge(w, 'rodestroy')}
`)
    expect(codes(r.stdout, 'ro'), r.stdout + r.stderr).to.deep.equal({rc: 1, converge: 0, plan: 0})
    expect(codes(r.stdout, 'rodestroy'), r.stdout + r.stderr).to.deep.equal({rc: 1, converge: 0, plan: 0})
    expect(r.stdout).to.match(/ro:mounted=0/)
    expect(r.stdout).to.match(/rodestroy:mounted=44/)
    expect(r.stderr).to.match(/Error: cannot lock the build base \S+: writing \S+ failed: read-only file system \(EROFS\)\n {2}the filesystem is mounted read-only/)
  })
})
}
