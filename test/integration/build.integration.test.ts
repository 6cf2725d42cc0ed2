import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdtemp, readFile, readdir} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {REPO, canMount, inNamespace, trackTempDir} from '../helpers/namespace.js'

const hasTools = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v bmake && command -v cc && command -v tar'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

// The example ports tree built for real: slots applied by `dsynth build`, ports built with bmake and cc inside
// `chroot SLnn`, all inside one private mount namespace under a temporary directory.
describe('build on Linux (real slots, private namespace)', function () {
  before(function () {
    if (!canMount || !hasTools) {
      console.log(`    (skipped: needs root on Linux${hasTools ? '' : ' and bmake, cc, tar (apt-get install bmake gcc)'})`)
      this.skip()
    }
  })

  it('builds the meta port on 2 slots: packages, failure and ignored lists, skips, a no-op second run, clean slots', async () => {
    // GIVEN the demo tree in a temporary directory
    const demo = await mkdtemp(path.join(os.tmpdir(), 'dsynth-demo-it-'))
    trackTempDir(demo)
    execFileSync('sh', [path.join(REPO, 'examples/linux-demo.sh')], {env: {...process.env, DSYNTH_DEMO: demo}, stdio: 'ignore'})
    const ini = `${demo}/dsynth.ini`
    // WHEN it is built twice
    const r = await inNamespace(`
$DSYNTH build -y --config ${ini} meta/everything > ${demo}/run1.out 2>&1; echo "rc1=$?"
cp -a ${demo}/logs ${demo}/logs1
ls -l --time-style=+%s ${demo}/packages/All | awk '{print $6, $7}' | sort > ${demo}/before
$DSYNTH build -y --config ${ini} meta/everything > ${demo}/run2.out 2>&1; echo "rc2=$?"
ls -l --time-style=+%s ${demo}/packages/All | awk '{print $6, $7}' | sort > ${demo}/after
cmp -s ${demo}/before ${demo}/after && echo "packages unchanged"
$DSYNTH plan --detailed-exitcode --config ${ini} > /dev/null; echo "plan=$?"
echo "inside=$(for p in /proc/[0-9]*; do readlink $p/root; done 2>/dev/null | grep -c '^${demo}/build/SL')"
`, {}, 300_000)
    const run1 = await readFile(`${demo}/run1.out`, 'utf8')
    const run2 = await readFile(`${demo}/run2.out`, 'utf8')
    // THEN every buildable port has its package, and the failure, skip and ignore are reported as C dsynth does
    expect(r.stdout, run1).to.match(/rc1=1/) // one port fails: exit 1
    const packages = (await readdir(`${demo}/packages/All`)).sort()
    expect(packages).to.deep.equal(['goodbye-1.0.tgz', 'goodbye-loud-1.0.tgz', 'hello-1.0.tgz', 'libbase-0.1.tgz',
      'libgreet-1.2.tgz', 'libmid-0.1.tgz', 'top-0.1.tgz'])
    // each run starts its result lists afresh, as C dsynth does: read the first run's copy
    const logs = `${demo}/logs1`
    expect(await readFile(`${logs}/02_failure_list.log`, 'utf8')).to.match(/FAILURE misc\/broken .*build/)
    const brokenLog = await readFile(`${logs}/misc___broken.log`, 'utf8')
    expect(brokenLog).to.match(/-- Phase: build\n-{79}\n[\s\S]*FAILED \d\d:\d\d:\d\d/)
    expect(await readFile(`${logs}/04_skipped_list.log`, 'utf8')).to.match(/misc\/needs-broken/)
    expect(await readFile(`${logs}/03_ignored_list.log`, 'utf8')).to.match(/misc\/ignored/)
    expect(await readFile(`${logs}/01_success_list.log`, 'utf8')).to.match(/SUCCESS misc\/top/)
    // the second run builds nothing new, the slots still plan clean, and nothing of the build runs in them
    expect(run2).to.match(/built 0,/)
    expect(r.stdout).to.match(/packages unchanged/)
    expect(r.stdout).to.match(/plan=0/)
    expect(r.stdout).to.match(/inside=0/)
  })
})
