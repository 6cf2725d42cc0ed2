import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import {canMount, inNamespace, makeWorld, type World} from '../helpers/namespace.js'

// Real mounts on Linux. Every test runs its whole scenario inside one private mount namespace, under a
// temporary directory; the root hook checks that the host's mountinfo is unchanged after the suite.
describe('apply and destroy on Linux (real mounts, private namespaces)', function () {
  before(function () {
    if (!canMount) {
      console.log('    (skipped: integration tests need root on Linux to mount in private namespaces)')
      this.skip()
    }
  })

  /** Wrappers that log each mount/umount call and run the real program. */
  const wrap = (w: World) => `
mkdir -p ${w.dir}/wrap
for p in mount umount; do printf '#!/bin/sh\\necho "$0 $*" >> ${w.dir}/calls.log\\nexec /usr/bin/%s "$@"\\n' $p > ${w.dir}/wrap/$p; chmod +x ${w.dir}/wrap/$p; done
export PATH=${w.dir}/wrap:$PATH
`
  const count = (w: World) => `grep -c " ${w.base}/SL" /proc/self/mountinfo || true`

  it('applies from nothing, plans empty afterwards, and a second apply runs no mount command', async () => {
    // GIVEN an empty build base and 2 builders
    const w = await makeWorld(2)
    // WHEN apply runs twice
    const r = await inNamespace(`${wrap(w)}
$DSYNTH apply --auto-approve --config ${w.ini}; echo "rc1=$?"
${count(w)}
$DSYNTH plan --detailed-exitcode --config ${w.ini} >/dev/null; echo "plan=$?"
: > ${w.dir}/calls.log
$DSYNTH apply --auto-approve --config ${w.ini}; echo "rc2=$?"
echo "calls=$(wc -l < ${w.dir}/calls.log)"
chroot ${w.base}/SL00 /bin/sh -c 'cc --version && make --version && echo ok > /dev/null' >/dev/null; echo "chroot=$?"
`)
    // THEN 44 mounts, an empty plan, zero mount/umount processes the second time, and a working chroot
    expect(r.stdout).to.match(/rc1=0/)
    expect(r.stdout).to.match(/Apply complete! Slots: 2 ok\. Mounts: 44 mounted, 0 remounted, 0 unmounted\./)
    expect(r.stdout).to.match(/^44$/m)
    expect(r.stdout).to.match(/plan=0/)
    expect(r.stdout).to.match(/rc2=0/)
    expect(r.stdout).to.match(/No changes\. Slots match the configuration\./)
    expect(r.stdout).to.match(/calls=0/)
    expect(r.stdout, r.stderr).to.match(/chroot=0/)
  })

  it('populates a slot root that an interrupted apply mounted but never filled, without mounting anything', async () => {
    const w = await makeWorld(1)
    const r = await inNamespace(`${wrap(w)}
$DSYNTH apply --auto-approve --config ${w.ini} >/dev/null; echo "rc1=$?"
test -f ${w.base}/SL00/etc/passwd && echo "passwd before"
# what a SIGKILL between the mount batch and the Template copy leaves: a mounted, empty root
# (files only: SL00/etc holds the /etc/alternatives mount, never rm -r across it)
rm -f ${w.base}/SL00/etc/passwd ${w.base}/SL00/etc/group ${w.base}/SL00/.dsynth-slot && rmdir ${w.base}/SL00/tmp
: > ${w.dir}/calls.log
$DSYNTH apply --auto-approve --config ${w.ini}; echo "rc2=$?"
echo "calls=$(wc -l < ${w.dir}/calls.log)"
test -f ${w.base}/SL00/etc/passwd && echo "passwd after"
chroot ${w.base}/SL00 /bin/sh -c 'echo ok > /tmp/x && cc --version >/dev/null' && echo "chroot ok"
`)
    expect(r.stdout).to.match(/rc1=0/)
    expect(r.stdout).to.match(/passwd before/)
    expect(r.stdout).to.match(/SL00: copied Template into/)
    expect(r.stdout).to.match(/rc2=0/)
    expect(r.stdout).to.match(/calls=0/)
    expect(r.stdout).to.match(/passwd after/)
    expect(r.stdout, r.stderr).to.match(/chroot ok/)
  })

  it('converges three stacked layers on SL00 plus an extra slot after shrinking', async () => {
    const w = await makeWorld(3)
    const r = await inNamespace(`
$DSYNTH apply --auto-approve --config ${w.ini} >/dev/null; echo "rc1=$?"
# an interrupted run mounting the whole slot again, twice: every mount of SL00 once more per layer
for layer in 2 3; do
  grep " ${w.base}/SL00[ /]" /proc/self/mountinfo | awk '{print $5}' | sort -u | awk '{print length, $0}' | sort -n | cut -d' ' -f2- > ${w.dir}/targets.$layer
  while read t; do
    case "$t" in
      ${w.base}/SL00) mount -n -t tmpfs layer$layer "$t" ;;
      *) mkdir -p "$t"; mount -n -t tmpfs layer$layer "$t" ;;
    esac
  done < ${w.dir}/targets.$layer
done
${count(w)}
$DSYNTH status --config ${w.ini}
sed -i 's/Number_of_builders= 3/Number_of_builders= 2/' ${w.ini}
$DSYNTH plan --config ${w.ini} | grep -E '^(SL|Plan)'
$DSYNTH apply --auto-approve --config ${w.ini}; echo "rc2=$?"
$DSYNTH plan --detailed-exitcode --config ${w.ini} >/dev/null; echo "plan=$?"
${count(w)}
`)
    expect(r.stdout).to.match(/rc1=0/)
    expect(r.stdout).to.match(/^110$/m) // SL00: 3 layers of 22, SL01 and SL02: 22 each
    expect(r.stdout).to.match(/SL00\s+stacked\s+3\s+66\/22/)
    expect(r.stdout).to.match(/SL00 {2}stacked: 3 layers, 66 mounts/)
    expect(r.stdout).to.match(/SL02 {2}extra: 1 layer, 22 mounts/)
    expect(r.stdout).to.match(/Plan: 0 to mount, 0 to remount, 66 to unmount\./)
    expect(r.stdout, r.stderr).to.match(/rc2=0/)
    expect(r.stdout).to.match(/plan=0/)
    expect(r.stdout).to.match(/^44$/m)
  })

  it('refuses a mount target reached through a symlink and mounts nothing through it', async () => {
    const w = await makeWorld(1)
    const r = await inNamespace(`
mkdir -p ${w.dir}/victim
$DSYNTH apply --auto-approve --config ${w.ini} >/dev/null; echo "rc1=$?"
umount -n ${w.base}/SL00/xports && rmdir ${w.base}/SL00/xports && ln -s ${w.dir}/victim ${w.base}/SL00/xports
$DSYNTH apply --auto-approve --config ${w.ini}; echo "rc2=$?"
grep -c " ${w.dir}/victim " /proc/self/mountinfo; true
`)
    expect(r.stdout).to.match(/rc1=0/)
    expect(r.stdout).to.match(/rc2=1/)
    expect(r.stdout + r.stderr).to.match(/xports is a symbolic link/)
    expect(r.stdout).to.match(/^0$/m)
  })

  it('destroy unmounts everything, removes the slot directories and leaves every canary intact', async () => {
    const w = await makeWorld(2)
    const r = await inNamespace(`
$DSYNTH apply --auto-approve --config ${w.ini} >/dev/null; echo "rc1=$?"
echo data > ${w.base}/SL00/construction/work.o
$DSYNTH destroy --auto-approve --config ${w.ini}; echo "rc2=$?"
${count(w)}
echo "ls=$(ls -A ${w.base} | tr '\\n' ' ')"
`)
    expect(r.stdout).to.match(/rc1=0/)
    expect(r.stdout).to.match(/Destroy complete! Slots: 2 removed\. Mounts: 0 mounted, 0 remounted, 44 unmounted\./)
    expect(r.stdout).to.match(/rc2=0/)
    expect(r.stdout).to.match(/^0$/m)
    const left = /ls=(.*)/.exec(r.stdout)![1].trim().split(' ')
    expect(left).to.include('Template')
    expect(left.filter((n) => n.startsWith('SL'))).to.deep.equal([])
    for (const d of [w.packages, w.distfiles, w.options, w.ports]) {
      expect(await readFile(`${d}/CANARY`, 'utf8')).to.equal(`canary ${d}\n`)
    }
  })

  it('reports a busy slot with the pid that holds it and leaves its mounts in place', async () => {
    const w = await makeWorld(2)
    const r = await inNamespace(`
$DSYNTH apply --auto-approve --config ${w.ini} >/dev/null; echo "rc1=$?"
(cd ${w.base}/SL01/construction && exec sleep 60) &
holder=$!
sleep 0.2
sed -i 's/Number_of_builders= 2/Number_of_builders= 1/' ${w.ini}
$DSYNTH apply --auto-approve --busy-timeout 1s --config ${w.ini}; echo "rc2=$?"
echo "holder=$holder"
grep -c " ${w.base}/SL01" /proc/self/mountinfo
kill $holder
`)
    expect(r.stdout).to.match(/rc1=0/)
    expect(r.stdout).to.match(/rc2=1/)
    const pid = /holder=(\d+)/.exec(r.stdout)![1]
    expect(r.stdout).to.contain(`pid ${pid}`)
    expect(r.stdout).to.match(/SL01: busy/)
    expect(Number(/^(\d+)$/m.exec(r.stdout.split('holder=')[1])![1])).to.be.greaterThan(0)
  })

  it('lets only one of two concurrent applies change mounts; the other waits or names the holder', async () => {
    const w = await makeWorld(4)
    const r = await inNamespace(`
$DSYNTH apply --auto-approve --config ${w.ini} > ${w.dir}/a.out 2>&1 & a=$!
$DSYNTH apply --auto-approve --config ${w.ini} > ${w.dir}/b.out 2>&1 & b=$!
wait $a; echo "a=$?"; wait $b; echo "b=$?"
cat ${w.dir}/a.out ${w.dir}/b.out
$DSYNTH apply --auto-approve --lock-timeout 30s --config ${w.ini} & c=$!
$DSYNTH apply --auto-approve --lock-timeout 30s --config ${w.ini} & d=$!
wait $c; echo "c=$?"; wait $d; echo "d=$?"
$DSYNTH plan --detailed-exitcode --config ${w.ini} >/dev/null; echo "plan=$?"
${count(w)}
`)
    const a = Number(/a=(\d+)/.exec(r.stdout)![1])
    const b = Number(/b=(\d+)/.exec(r.stdout)![1])
    expect([a, b].sort()).to.satisfy((codes: number[]) => codes[0] === 0 && (codes[1] === 0 || codes[1] === 1))
    if (a + b === 1) expect(r.stdout).to.match(/is locked by pid \d+ \(dsynth apply/)
    expect(r.stdout).to.match(/c=0/)
    expect(r.stdout).to.match(/d=0/)
    expect(r.stdout).to.match(/plan=0/)
    expect(r.stdout).to.match(/^88$/m)
  })

  it('applies a fresh saved plan without asking and refuses a stale one', async () => {
    const w = await makeWorld(1)
    const r = await inNamespace(`
$DSYNTH plan --out ${w.dir}/empty.plan --config ${w.ini} >/dev/null
$DSYNTH plan --out ${w.dir}/fresh.plan --config ${w.ini} >/dev/null
$DSYNTH apply ${w.dir}/fresh.plan --config ${w.ini} </dev/null; echo "rc1=$?"
$DSYNTH apply ${w.dir}/empty.plan --config ${w.ini} </dev/null; echo "rc2=$?"
$DSYNTH plan --out ${w.dir}/now.plan --config ${w.ini} >/dev/null
mount -n -t tmpfs intruder ${w.base}/SL00/construction
$DSYNTH apply ${w.dir}/now.plan --config ${w.ini} </dev/null; echo "rc3=$?"
$DSYNTH apply --config ${w.ini} </dev/null; echo "rc4=$?"
echo yes | $DSYNTH apply --config ${w.ini} 2>${w.dir}/piped.err; echo "rc5=$?"
cat ${w.dir}/piped.err >&2
`)
    expect(r.stdout).to.match(/rc1=0/)
    // the slots were empty when empty.plan was saved; they are mounted now
    expect(r.stdout).to.match(/rc2=1/)
    expect(r.stderr).to.match(/Saved plan is stale/)
    expect(r.stdout).to.match(/rc3=1/)
    // without a terminal and without --auto-approve apply refuses
    expect(r.stdout).to.match(/rc4=1/)
    expect(r.stderr).to.match(/stdin is not a terminal/)
    // piped text is neither an approval nor a PLANFILE argument (oclif would read stdin as the missing argument)
    expect(r.stdout).to.match(/rc5=1/)
    expect(r.stderr).not.to.match(/plan file|yes:/i)
  })
})
