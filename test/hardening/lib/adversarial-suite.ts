import {expect} from 'chai'
import {mkdir, mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {SafetyError} from '../../../src/errors.js'
import {parseMountTable} from '../../../src/mounttable/parse.js'
import {diffSlots} from '../../../src/plan/diff.js'
import {assertNoSymlinks} from '../../../src/platform/safety.js'
import {runCli} from '../../helpers/cli.js'
import {canMount, inNamespace, makeWorld, REPO, trackTempDir, type World} from '../../helpers/namespace.js'
import {desired, Mountinfo} from '../../plan/tables.js'
import {escapes} from './property-suite.js'

/**
 * Hostile setups, each refused or handled without touching anything outside the slots: system build bases, symlinks
 * planted in slot layers, shell syntax in configuration values, prefix-sharing siblings, and 1,000 stacked layers.
 * Where a symlink could lead a mount or a write out of the slot it points into a victim directory with canaries.
 */

/** Shell lines that record what must not change: the mounts outside the slots and every file under the victim. */
const snapshot = (w: World, tag: string) => `
grep -vE ' ${w.base}/SL[0-9]{2,}[ /]' /proc/self/mountinfo | sort > ${w.dir}/mounts.${tag}
(cd ${w.dir}/victim && find . -printf '%p %y %s %m\\n' | sort; cat $(find . -type f | sort) | sha256sum) > ${w.dir}/victim.${tag}
`
/** Shell lines that print `same:TAG=yes|no` comparing two snapshots. */
const same = (w: World, a: string, b: string, tag: string) =>
  `cmp -s ${w.dir}/mounts.${a} ${w.dir}/mounts.${b} && cmp -s ${w.dir}/victim.${a} ${w.dir}/victim.${b} && echo "same:${tag}=yes" || { echo "same:${tag}=no"; diff ${w.dir}/mounts.${a} ${w.dir}/mounts.${b}; diff ${w.dir}/victim.${a} ${w.dir}/victim.${b}; }`

/** A victim directory with canaries, where planted symlinks point. */
const victim = (w: World) => `mkdir -p ${w.dir}/victim/etc ${w.dir}/victim/usr/bin; for f in etc/passwd etc/hosts usr/bin/tool CANARY; do echo "precious $f" > ${w.dir}/victim/$f; done`

/** Defines the suite; `layers` stacked layers on one slot in the live test (1,000 in both versions), `full` = 22 mounts per layer. */
export function defineAdversarialSuite(opts: {layers: number; fullLayers: boolean}): void {
  describe('adversarial input and planted symlinks: refused or handled, nothing outside the slots touched', function () {
    describe('without mounting', () => {
      it('a table listing .. or . in a mount point never plans an action on it (it would resolve out of the slot)', () => {
        const d = desired('dragonfly', {builders: 2})
        for (const format of ['bsd', 'mountinfo'] as const) {
          const targets = ['/build/SL00/../../etc', '/build/SL01/..', '/build/SL00/./usr/local', '/build//SL01', '/build/SL00/']
          const text = format === 'bsd' ? targets.map((t) => `tmpfs on ${t} (tmpfs, local)`).join('\n')
            : ['21 1 254:0 / / rw - ext4 /dev/vda1 rw', ...targets.map((t, i) => `${100 + i} 21 0:${50 + i} / ${t} rw - tmpfs tmpfs rw`)].join('\n')
          const table = parseMountTable(text)
          for (const mode of ['apply', 'destroy'] as const) {
            const plan = diffSlots(format === 'bsd' ? d : desired('linux', {builders: 2}), table, {mode, slotFilter: null})
            expect(plan.changes.filter((c) => c.action !== 'mount')).to.deep.equal([])
            expect(escapes(plan, format === 'bsd' ? d : desired('linux', {builders: 2}))).to.equal(null)
          }
        }
      })

      it('the symlink check refuses a target with .. or . components before looking at the disk', async () => {
        for (const t of ['/build/SL00/../../etc', '/build/SL00/./x', '/build/SL00/']) {
          const e = await assertNoSymlinks(t, '/build').then(() => null, (x: unknown) => x)
          expect(e).to.be.instanceOf(SafetyError)
          expect((e as SafetyError).code).to.equal('NOT_CANONICAL')
        }
      })

      it('a Linux slot root that is a bind of a host tmpfs (/run, /dev/shm) is replaced, never taken for the slot', () => {
        const d = desired('linux', {builders: 1})
        const mi = new Mountinfo()
        mi.lines.push('30 21 0:25 / /run rw,nosuid - tmpfs tmpfs rw')
        // GIVEN SL00's root is /run bound (the host's device 0:25), and a bind of a /run subdirectory at /construction
        mi.slot(d, 'SL00', {edit: (m, info) => m.path === '/' ? {...info, dev: '0:25', source: 'tmpfs'}
          : m.path === '/construction' ? {...info, dev: '0:25', root: '/user/0', source: 'tmpfs'} : info})
        const plan = diffSlots(d, mi.table(), {mode: 'apply', slotFilter: null})
        // THEN both are unmounted as wrong-source (everything above the root with them) and mounted fresh
        const byTarget = (t: string) => plan.changes.filter((c) => c.target === t).map((c) => `${c.action} ${c.reason}`)
        expect(byTarget('/build/SL00')).to.deep.equal(['unmount wrong-source', 'mount wrong-source'])
        expect(plan.changes.filter((c) => c.action === 'unmount')).to.have.length(22)
      })

      it('dsynth plan on the hostile fixtures: odd mount points never acted on, siblings left alone, a bound host tmpfs replaced', async () => {
        const hostile = (f: string) => path.join(REPO, 'test/fixtures/hostile', f)
        const two = path.join(REPO, 'test/fixtures/config/two-slots.ini')
        // file, platform, config, the unmounts expected (target reason)
        const cases: Array<[string, string, string, string[]]> = [
          ['dotdot-bsd.txt', 'dragonfly', two, []],
          ['dotdot.mountinfo', 'linux', two, []],
          ['prefix-siblings-mount-p.txt', 'freebsd', two, ['/build/SL10/bin extra-slot', '/build/SL10 extra-slot']],
          ['host-tmpfs-root.mountinfo', 'linux', two, ['/build/SL00/usr/local parent-replaced']],
          // its odd source directories differ from SL00's: those four binds are replaced; the odd mount points still untouched
          ['dotdot-bsd.txt', 'dragonfly', hostile('shell-syntax.ini'), ['distfiles', 'packages', 'options', 'xports'].map((p) => `/build/SL00/${p} wrong-source`)],
        ]
        for (const [file, platform, ini, unmounts] of cases) {
          const r = await runCli(['plan', '--json', '--mounts', hostile(file), '--platform', platform, '--config', ini])
          expect(r.code, `${file}: ${r.stderr}`).to.equal(0)
          const plan = JSON.parse(r.stdout) as import('../../../src/plan/types.js').Plan
          for (const c of plan.changes) {
            expect(c.target, file).to.match(/^\/build\/SL\d{2,}(\/|$)/)
            expect(c.target, file).to.not.match(/\/\.\.?(\/|$)|\/\/|\/$/)
          }
          const got = plan.changes.filter((c) => c.action === 'unmount').map((c) => `${c.target} ${c.reason}`)
          if (file === 'host-tmpfs-root.mountinfo') {
            expect(got).to.include('/build/SL00 wrong-source')
            expect(got).to.have.length(22)
          } else expect(got, file).to.deep.equal(unmounts)
        }
        // the shell syntax is carried literally into the bind sources
        const odd = await runCli(['plan', '--json', '--mounts', hostile('dotdot-bsd.txt'), '--platform', 'dragonfly', '--config', hostile('shell-syntax.ini')])
        expect(odd.stdout).to.contain('"source": "/build/synth/pk$(touch${IFS}/tmp/PWNED)"')
        for (const [f, why] of [['spaces.ini', /contains spaces/], ['quoted.ini', /relative path|contains spaces/], ['substitution.ini', /relative path/],
          ['system-buildbase.ini', /is a system directory/]] as const) {
          const r = await runCli(['plan', '--mounts', hostile('dotdot-bsd.txt'), '--platform', 'dragonfly', '--config', hostile(f)])
          expect(r.code, f).to.equal(1)
          expect(r.stderr, f).to.match(new RegExp(`Error: \\S+${f.replace('.', '\\.')}:\\d+: `))
          expect(r.stderr, f).to.match(why)
        }
      })

      it(`plans ${opts.layers} stacked layers of a 22-mount slot (${opts.layers * 22} mounts) fast and exactly`, () => {
        const d = desired('linux', {builders: 2})
        const mi = new Mountinfo()
        for (let i = 0; i < opts.layers; i++) mi.slot(d, 'SL00')
        mi.slot(d, 'SL01')
        const table = mi.table()
        const t0 = performance.now()
        const plan = diffSlots(d, table, {mode: 'apply', slotFilter: null})
        const ms = performance.now() - t0
        expect(plan.summary).to.deep.equal({mount: 0, remount: 0, unmount: (opts.layers - 1) * 22})
        expect(plan.changes.every((c) => c.reason === 'stacked' && c.slot === 'SL00')).to.equal(true)
        // newest first: the table's SL00 lines after the first layer, in reverse
        const sl00 = table.mounts.filter((m) => m.target.startsWith('/build/SL00')).map((m) => m.target)
        expect(plan.changes.map((c) => c.target)).to.deep.equal(sl00.slice(22).reverse())
        expect(ms, `${Math.round(ms)} ms`).to.be.below(3000)
      })
    })

    describe('with real mounts (private namespaces)', function () {
      before(function () {
        if (!canMount) {
          console.log('    (skipped: needs root on Linux to mount in private namespaces)')
          this.skip()
        }
      })

      it('a build base of /, /usr, //usr/, /x/../usr, a relative path or a symlink to / or /usr is refused (exit 1) by plan, apply and destroy', async () => {
        const w = await makeWorld(2)
        const bases = ['/', '/usr', '//usr/', `${w.dir}/../../usr`, '../build', 'build', `${w.dir}/to-root`, `${w.dir}/to-usr`, `${w.dir}/to-usr-link`]
        const r = await inNamespace(`
ln -s / ${w.dir}/to-root; ln -s /usr ${w.dir}/to-usr; ln -s ${w.dir}/to-usr ${w.dir}/to-usr-link
ls -A / /usr > ${w.dir}/sys.before; sort /proc/self/mountinfo > ${w.dir}/mi.before
i=0
for b in ${bases.map((b) => `'${b}'`).join(' ')}; do
  i=$((i+1)); sed "s#^Directory_buildbase=.*#Directory_buildbase= $b#" ${w.ini} > ${w.dir}/bad.ini
  for cmd in plan "apply -y" "destroy -y"; do
    $DSYNTH $cmd --config ${w.dir}/bad.ini > ${w.dir}/out 2>&1; echo "base$i $cmd rc=$? $(grep -m1 Error: ${w.dir}/out)"
  done
done
ls -A / /usr > ${w.dir}/sys.after; sort /proc/self/mountinfo > ${w.dir}/mi.after
cmp -s ${w.dir}/sys.before ${w.dir}/sys.after && cmp -s ${w.dir}/mi.before ${w.dir}/mi.after && echo untouched
`)
        for (let i = 1; i <= bases.length; i++) {
          for (const cmd of ['plan', 'apply -y', 'destroy -y']) {
            expect(r.stdout, r.stderr).to.match(new RegExp(`base${i} ${cmd} rc=1 Error: \\S+: (Directory_buildbase '.*' is a (system directory|symlink into system directory)|.*relative path)`))
          }
        }
        expect(r.stdout).to.match(/^untouched$/m)
      })

      it('a slot directory that is itself a symlink out of the build base: apply refuses, destroy removes only the link', async () => {
        const w = await makeWorld(1)
        const r = await inNamespace(`${victim(w)}
${snapshot(w, 'a')}
ln -s ${w.dir}/victim ${w.base}/SL00
$DSYNTH apply -y --config ${w.ini} > ${w.dir}/out 2>&1; echo "apply=$?"; grep -m1 'symbolic link' ${w.dir}/out
$DSYNTH destroy -y --config ${w.ini} > ${w.dir}/out 2>&1; echo "destroy=$?"
echo "link=$(test -L ${w.base}/SL00 && echo yes || echo no)"
${snapshot(w, 'b')}
${same(w, 'a', 'b', 'ab')}
$DSYNTH apply -y --config ${w.ini} >/dev/null 2>&1; echo "converge=$?"
`)
        expect(r.stdout, r.stderr).to.match(/apply=1/)
        expect(r.stdout).to.match(/refusing to mount on \S+\/SL00: \S+\/SL00 is a symbolic link/)
        expect(r.stdout).to.match(/destroy=0/)
        expect(r.stdout).to.match(/link=no/)
        expect(r.stdout).to.match(/same:ab=yes/)
        expect(r.stdout).to.match(/converge=0/)
      })

      it('symlinks in a kept slot root (usr -> victim, construction -> /etc): apply refuses to mount through them; removed, it converges', async () => {
        const w = await makeWorld(1)
        const r = await inNamespace(`${victim(w)}
$DSYNTH apply -y --config ${w.ini} >/dev/null 2>&1
${snapshot(w, 'a')}
# GIVEN a converged slot whose /usr/* and /construction mounts are gone, and symlinks a port build planted instead
umount -n ${w.base}/SL00/construction ${w.base}/SL00/usr/local ${w.base}/SL00/usr/bin ${w.base}/SL00/usr/include ${w.base}/SL00/usr/lib ${w.base}/SL00/usr/libexec ${w.base}/SL00/usr/sbin ${w.base}/SL00/usr/share ${w.base}/SL00/usr/games
rm -rf ${w.base}/SL00/usr; ln -s ${w.dir}/victim/usr ${w.base}/SL00/usr
rmdir ${w.base}/SL00/construction; ln -s /etc ${w.base}/SL00/construction
$DSYNTH apply -y --config ${w.ini} > ${w.dir}/out 2>&1; echo "apply=$?"; grep -m2 'symbolic link' ${w.dir}/out
${snapshot(w, 'b')}
${same(w, 'a', 'b', 'ab')}
rm ${w.base}/SL00/usr ${w.base}/SL00/construction
$DSYNTH apply -y --config ${w.ini} >/dev/null 2>&1; echo "converge=$?"
$DSYNTH plan --detailed-exitcode --config ${w.ini} >/dev/null 2>&1; echo "plan=$?"
`)
        expect(r.stdout, r.stderr).to.match(/apply=1/)
        expect(r.stdout).to.match(/\/SL00\/usr is a symbolic link/)
        expect(r.stdout).to.match(/same:ab=yes/)
        expect(r.stdout).to.match(/converge=0/)
        expect(r.stdout).to.match(/plan=0/)
      })

      it('a stale upper layer whose root holds usr -> / and etc/passwd -> victim: apply unmounts it and converges, touching nothing outside', async () => {
        const w = await makeWorld(2)
        const r = await inNamespace(`${victim(w)}
$DSYNTH apply -y --config ${w.ini} >/dev/null 2>&1
${snapshot(w, 'a')}
# GIVEN an upper layer on SL00: a root tmpfs with planted symlinks, and a tmpfs on its /construction
mount -n -t tmpfs dsynth ${w.base}/SL00
ln -s / ${w.base}/SL00/usr; mkdir ${w.base}/SL00/etc ${w.base}/SL00/construction
ln -s ${w.dir}/victim/etc/passwd ${w.base}/SL00/etc/passwd; ln -s ${w.dir}/victim/etc ${w.base}/SL00/var
mount -n -t tmpfs dsynth ${w.base}/SL00/construction
$DSYNTH plan --config ${w.ini} | grep -E '^(SL00|Plan)'
$DSYNTH apply -y --config ${w.ini} > ${w.dir}/out 2>&1; echo "apply=$?"
$DSYNTH plan --detailed-exitcode --config ${w.ini} >/dev/null 2>&1; echo "plan=$?"
${snapshot(w, 'b')}
${same(w, 'a', 'b', 'ab')}
cat ${w.base}/SL00/etc/passwd | head -1
`)
        expect(r.stdout, r.stderr).to.match(/SL00 {2}stacked: 2 layers, 24 mounts/)
        expect(r.stdout).to.match(/Plan: 0 to mount, 0 to remount, 2 to unmount\./)
        expect(r.stdout).to.match(/apply=0/)
        expect(r.stdout).to.match(/plan=0/)
        expect(r.stdout).to.match(/same:ab=yes/)
        expect(r.stdout).to.match(/^root:x:0:0:root/m)
      })

      it('an unpopulated slot root with etc/passwd -> victim: the Template copy never writes through the link (regression)', async () => {
        const w = await makeWorld(1)
        const r = await inNamespace(`${victim(w)}
${snapshot(w, 'a')}
# GIVEN a slot root a crashed run mounted but never populated, where something planted file symlinks
mkdir -p ${w.base}/SL00; mount -n -t tmpfs dsynth ${w.base}/SL00; mkdir ${w.base}/SL00/etc ${w.base}/SL00/var
ln -s ${w.dir}/victim/etc/passwd ${w.base}/SL00/etc/passwd; ln -s ${w.dir}/victim/etc/hosts ${w.base}/SL00/etc/hosts
ln -s ${w.dir}/victim/CANARY ${w.base}/SL00/var/run
$DSYNTH apply -y --config ${w.ini} > ${w.dir}/out 2>&1; echo "apply=$?"
${snapshot(w, 'b')}
${same(w, 'a', 'b', 'ab')}
echo "passwd=$(test -L ${w.base}/SL00/etc/passwd && echo link || head -c 4 ${w.base}/SL00/etc/passwd)"
`)
        expect(r.stdout, r.stderr).to.match(/apply=0/)
        expect(r.stdout).to.match(/same:ab=yes/)
        expect(r.stdout).to.match(/passwd=root/)
      })

      it('a host tmpfs bound onto a slot root is unmounted and replaced, its files untouched (regression)', async () => {
        const w = await makeWorld(1)
        const r = await inNamespace(`${victim(w)}
mount -n -t tmpfs hostrun ${w.dir}/victim/usr; echo "precious run" > ${w.dir}/victim/usr/pidfile
${snapshot(w, 'a')}
mkdir -p ${w.base}/SL00; mount -n --bind ${w.dir}/victim/usr ${w.base}/SL00
$DSYNTH apply -y --config ${w.ini} > ${w.dir}/out 2>&1; echo "apply=$?"
$DSYNTH plan --detailed-exitcode --config ${w.ini} >/dev/null 2>&1; echo "plan=$?"
${snapshot(w, 'b')}
${same(w, 'a', 'b', 'ab')}
ls -A ${w.dir}/victim/usr
`)
        expect(r.stdout, r.stderr).to.match(/apply=0/)
        expect(r.stdout).to.match(/plan=0/)
        expect(r.stdout).to.match(/same:ab=yes/)
        expect(r.stdout).to.match(/^pidfile$/m)
      })

      it('destroy removes symlinks planted in unmounted slot directories and never follows them', async () => {
        const w = await makeWorld(2)
        const r = await inNamespace(`${victim(w)}
$DSYNTH apply -y --config ${w.ini} >/dev/null 2>&1
$DSYNTH destroy -y --config ${w.ini} >/dev/null 2>&1
${snapshot(w, 'a')}
mkdir -p ${w.base}/SL00/deep/er ${w.base}/SL01
ln -s ${w.dir}/victim ${w.base}/SL00/all; ln -s ${w.dir}/victim/etc/passwd ${w.base}/SL00/deep/er/passwd; ln -s / ${w.base}/SL01/root
$DSYNTH destroy -y --config ${w.ini} > ${w.dir}/out 2>&1; echo "destroy=$?"
echo "dirs=$(ls ${w.base} | grep -c '^SL')"
${snapshot(w, 'b')}
${same(w, 'a', 'b', 'ab')}
`)
        expect(r.stdout, r.stderr).to.match(/destroy=0/)
        expect(r.stdout).to.match(/dirs=0/)
        expect(r.stdout).to.match(/same:ab=yes/)
      })

      it('directory names with $(...), backquotes, quotes and ; are taken literally; a build base reached through a path with a space works', async () => {
        // GIVEN every directory named with shell syntax (values may not contain spaces: dsynth.ini reads one token)
        const top = await mkdtemp(path.join(os.tmpdir(), 'dsynth-hostile-'))
        trackTempDir(top)
        const odd = `${top}/a$(touch\${IFS}${top}/PWNED)b;c"d'e\`touch\${IFS}${top}/PWNED2\``
        const dirs = {packages: `${odd}/pk`, distfiles: `${odd}/di;st`, options: `${odd}/op"t`, ports: `${odd}/po$(id)rts`, base: `${odd}/build`, logs: `${odd}/logs`}
        for (const d of Object.values(dirs)) await mkdir(d, {recursive: true})
        for (const d of [dirs.packages, dirs.distfiles, dirs.options, dirs.ports]) await writeFile(`${d}/CANARY`, `canary ${d}\n`)
        const ini = (base: string) => ['[Global Configuration]', 'profile_selected= LiveSystem', '[LiveSystem]',
          `Directory_packages= ${dirs.packages}`, `Directory_repository= ${dirs.packages}/All`, `Directory_portsdir= ${dirs.ports}`,
          `Directory_options= ${dirs.options}`, `Directory_distfiles= ${dirs.distfiles}`, `Directory_buildbase= ${base}`,
          `Directory_logs= ${dirs.logs}`, 'Number_of_builders= 2', ''].join('\n')
        await writeFile(`${top}/odd.ini`, ini(dirs.base))
        // and a build base that is a symlink to a directory whose path has a space
        await mkdir(`${top}/with space/base`, {recursive: true})
        await writeFile(`${top}/space.ini`, ini(`${top}/base-link`))
        await writeFile(`${top}/refused.ini`, ini(`${top}/with space/base`) + `; Directory_logs= "${top}/x y"\n`)
        const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`
        const r = await inNamespace(`
ln -s ${q(`${top}/with space/base`)} ${q(`${top}/base-link`)}
for c in odd space; do
  $DSYNTH apply -y --config ${top}/$c.ini > ${top}/$c.out 2>&1; echo "$c:apply=$?"
  echo "$c:mounts=$(grep -c '/SL0[01]' /proc/self/mountinfo)"
  $DSYNTH plan --detailed-exitcode --config ${top}/$c.ini >/dev/null 2>&1; echo "$c:plan=$?"
  echo "$c:canary=$(cat ${q(dirs.ports)}/CANARY >/dev/null && ls ${q(dirs.base)}/SL00/xports 2>/dev/null | head -1)"
  $DSYNTH destroy -y --config ${top}/$c.ini > /dev/null 2>&1; echo "$c:destroy=$?"
done
ls ${q(`${top}/with space/base`)}
$DSYNTH plan --config ${top}/refused.ini; echo "refused=$?"
ls ${top}/PWNED ${top}/PWNED2 2>&1 | grep -c 'No such file'
`)
        expect(r.stdout, r.stderr).to.match(/odd:apply=0/)
        expect(r.stdout).to.match(/odd:mounts=44/)
        expect(r.stdout).to.match(/odd:plan=0/)
        expect(r.stdout).to.match(/odd:canary=CANARY/)
        expect(r.stdout).to.match(/odd:destroy=0/)
        expect(r.stdout).to.match(/space:apply=0/)
        expect(r.stdout).to.match(/space:mounts=44/)
        expect(r.stdout).to.match(/space:plan=0/)
        expect(r.stdout).to.match(/space:destroy=0/)
        expect(r.stdout).to.match(/^Template$/m)
        expect(r.stdout).to.match(/refused=1/)
        expect(r.stderr).to.match(/value of 'Directory_buildbase' contains spaces/)
        expect(r.stdout).to.match(/^2$/m) // neither PWNED file exists
        for (const d of [dirs.packages, dirs.distfiles, dirs.options, dirs.ports]) expect(await readFile(`${d}/CANARY`, 'utf8')).to.equal(`canary ${d}\n`)
      })

      it('prefix-sharing siblings (/build-old/SL00, /buildSL00, /build/SL1, SL0, SL007, Template, the base itself) are never touched', async () => {
        const w = await makeWorld(2)
        const r = await inNamespace(`${victim(w)}
for t in ${w.base}-old/SL00 ${w.base}-old/SL00/usr/local ${w.base}SL00 ${w.base}/SL1 ${w.base}/SL0 ${w.base}/SL007 ${w.base}/Template/x ${w.base}/sl01 ${w.base}/SL01x; do
  mkdir -p $t; mount -n -t tmpfs sibling $t; echo keep > $t/keep
done
# SL10 is a slot name (an extra slot with 2 builders): it is dsynth's and goes
mkdir -p ${w.base}/SL10; mount -n -t tmpfs dsynth ${w.base}/SL10
${snapshot(w, 'a')}
$DSYNTH apply -y --config ${w.ini} > ${w.dir}/out 2>&1; echo "apply=$?"; grep -E '^(Apply|SL10)' ${w.dir}/out
${snapshot(w, 'b')}
$DSYNTH destroy -y --config ${w.ini} > ${w.dir}/out 2>&1; echo "destroy=$?"
${snapshot(w, 'c')}
${same(w, 'a', 'b', 'ab')}
${same(w, 'a', 'c', 'ac')}
ls -d ${w.base}/* | sed 's#.*/##' | tr '\\n' ' '; echo
`)
        expect(r.stdout, r.stderr).to.match(/apply=0/)
        if (!/Apply complete! Slots: \d+ ok\. Mounts: 44 mounted, 0 remounted, 1 unmounted\./.test(r.stdout)) expect.fail(r.stdout)
        expect(r.stdout).to.match(/destroy=0/)
        expect(r.stdout).to.match(/same:ab=yes/)
        expect(r.stdout).to.match(/same:ac=yes/)
        expect(r.stdout).to.match(/^SL0 SL007 SL01x SL1 Template sl01 $/m)
      })

      it(`${opts.layers} stacked layers on one slot (${opts.fullLayers ? '22 mounts each' : 'the root of each'}): apply converges in reasonable time`, async function () {
        this.timeout(600_000)
        const w = await makeWorld(2)
        const r = await inNamespace(`
$DSYNTH apply -y --config ${w.ini} >/dev/null 2>&1
grep " ${w.base}/SL00[ /]" /proc/self/mountinfo | awk '{print $5}' > ${w.dir}/targets
for i in $(seq 2 ${opts.layers}); do
  ${opts.fullLayers ? `while read t; do echo "layer$i $t tmpfs rw,size=1m,x-mount.mkdir 0 0"; done < ${w.dir}/targets` : `echo "layer$i ${w.base}/SL00 tmpfs rw,size=1m 0 0"`}
done > ${w.dir}/fstab
mount -a -n -T ${w.dir}/fstab; echo "stacked=$(grep -c " ${w.base}/SL00" /proc/self/mountinfo)"
s=$(date +%s%N); $DSYNTH plan --config ${w.ini} | grep -E '^(SL00|Plan)'; echo "planms=$(( ($(date +%s%N) - s) / 1000000 ))"
s=$(date +%s%N); $DSYNTH apply -y --config ${w.ini} | tail -1; echo "apply=\${PIPESTATUS[0]} applyms=$(( ($(date +%s%N) - s) / 1000000 ))"
$DSYNTH plan --detailed-exitcode --config ${w.ini} >/dev/null; echo "plan=$? left=$(grep -c " ${w.base}/SL00" /proc/self/mountinfo)"
`, {}, 600_000)
        const perLayer = opts.fullLayers ? 22 : 1
        const extra = (opts.layers - 1) * perLayer
        expect(r.stdout, r.stderr).to.contain(`stacked=${22 + extra}`)
        expect(r.stdout).to.contain(`SL00  stacked: ${opts.layers} layers, ${22 + extra} mounts`)
        expect(r.stdout).to.contain(`Plan: 0 to mount, 0 to remount, ${extra} to unmount.`)
        expect(r.stdout).to.match(/apply=0/)
        expect(r.stdout).to.match(/plan=0 left=22/)
        const planMs = Number(/planms=(\d+)/.exec(r.stdout)![1])
        const applyMs = Number(/applyms=(\d+)/.exec(r.stdout)![1])
        console.log(`      (${opts.layers} layers, ${22 + extra} mounts: plan ${planMs} ms, apply ${applyMs} ms)`)
        expect(planMs).to.be.below(5_000)
        expect(applyMs).to.be.below(opts.fullLayers ? 120_000 : 30_000)
      })
    })
  })
}
