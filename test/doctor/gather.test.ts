import {mkdir, symlink, writeFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import {expect} from 'chai'
import {loadConfig} from '../../src/config/load.js'
import {gatherFacts} from '../../src/doctor/gather.js'
import {gatherSlotDirs, gatherTempFiles} from '../../src/doctor/gather-host.js'
import {parseMountTable} from '../../src/mounttable/parse.js'
import {writeLastRun} from '../../src/platform/last-run.js'
import {lockPath} from '../../src/platform/lock.js'
import {TEMPLATE_MARKER} from '../../src/platform/template.js'
import {savePlanFile} from '../../src/plan/plan-file.js'
import {preparePlan} from '../../src/plan/prepare.js'
import {FakePlatform} from '../helpers/fake-platform.js'
import {hostPlus, makeSandbox, type Sandbox, slotLinesAt} from '../apply/sandbox.js'

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url))
const SEED = fixture('mounttables/seed-tripled.txt')

describe('doctor/gather: facts from the host and from files', () => {
  let sb: Sandbox
  beforeEach(async () => { sb = await makeSandbox('dsynth-doctor-') })
  afterEach(async () => { await sb.cleanup() })

  it('with --mounts: only the table and the saved plans, nothing probed on the host', async () => {
    const config = await loadConfig({configPath: fixture('config/seed-tripled.ini')})
    const fake = new FakePlatform()
    const req = {config, platformName: 'dragonfly' as const, platform: fake, mountsFile: SEED}
    const {plan} = await preparePlan({...req, mode: 'apply'})
    const {plan: sl00} = await preparePlan({...req, mode: 'destroy', slots: ['SL00']})
    await savePlanFile(`${sb.root}/current.plan`, plan)
    await savePlanFile(`${sb.root}/destroy-sl00.plan`, sl00)
    await savePlanFile(`${sb.root}/stale.plan`, {...plan, fingerprint: 'sha256:0'})
    await writeFile(`${sb.root}/half.plan`, '{"kind": "dsynth-plan", "savedAt": "2026-')
    const files = ['current.plan', 'destroy-sl00.plan', 'stale.plan', 'half.plan', 'missing.plan'].map((f) => `${sb.root}/${f}`)
    const facts = await gatherFacts({...req, planFiles: files})
    expect(facts.host).to.equal(null)
    expect([fake.reads, fake.calls]).to.deep.equal([0, []])
    expect(facts.plan.summary).to.deep.equal({mount: 154, remount: 0, unmount: 44})
    expect(facts.savedPlans.map((p) => `${p.state} ${p.changes}`)).to.deep.equal(['current 198', 'current 66', 'stale 198', 'corrupt null', 'unreadable null'])
  })

  it('a saved plan for another platform', async () => {
    const config = sb.config()
    const fake = new FakePlatform({name: 'freebsd'})
    const {plan} = await preparePlan({config, platformName: 'freebsd', platform: fake, mode: 'apply'})
    await savePlanFile(`${sb.root}/f.plan`, plan)
    const facts = await gatherFacts({config, platformName: 'dragonfly', platform: new FakePlatform(), planFiles: [`${sb.root}/f.plan`]})
    expect(facts.savedPlans[0]).to.deep.include({state: 'other-platform', detail: 'made for freebsd, this is dragonfly'})
  })

  it('on the live host: directories, processes, lock, temporary files, slot directories, Template, last run', async () => {
    // GIVEN a build base with a mounted extra slot SL03 (a process inside), a stale lock and its temporary file,
    // files under the unmounted SL01, an empty SL02, a symlink SL07, an incomplete Template and a last-run record
    const d = sb.desired('dragonfly', {builders: 1})
    const fake = new FakePlatform({table: hostPlus(slotLinesAt(d, 'SL03', ['/', '/construction'])), mkdirs: false})
    fake.holders = [{pid: 4242, user: 'root', command: 'make', how: ['cwd'], path: `${sb.base}/SL03/construction/x`}]
    await writeFile(lockPath(sb.base), JSON.stringify({pid: 999999, command: 'dsynth apply', user: 'root', host: 'elsewhere', startedAt: 't'}))
    await writeLastRun(sb.base, {finishedAt: 't', mode: 'apply', ok: false, errors: [], busy: [{slot: 'SL03', targets: [`${sb.base}/SL03`], holders: []}]})
    await writeFile(`${sb.base}/.dsynth-slots.lock.999999.tmp`, '')
    await writeFile(`${sb.base}/.dsynth-last-run.json.tmp`, '')
    await writeFile(`${sb.base}/unrelated.tmp`, '')
    await mkdir(`${sb.base}/SL01/construction/work`, {recursive: true})
    await writeFile(`${sb.base}/SL01/construction/work/a.o`, 'x')
    await writeFile(`${sb.base}/SL01/b`, 'x')
    await mkdir(`${sb.base}/SL02`)
    await mkdir(`${sb.base}/SL03/construction`, {recursive: true})
    await symlink('/etc', `${sb.base}/SL07`)
    await mkdir(`${sb.base}/Template/etc`, {recursive: true})
    await writeFile(`${sb.base}/${TEMPLATE_MARKER}`, 'x')
    // WHEN gathered
    const facts = await gatherFacts({config: sb.config({builders: 1}), platformName: 'dragonfly', platform: fake, planFiles: []})
    const h = facts.host!
    // THEN every fact is there
    expect(h.directories.every((x) => x.kind === 'directory')).to.equal(true)
    expect(h.buildBase).to.deep.equal({configured: sb.base, resolved: sb.base, exists: true})
    expect(h.holders).to.deep.equal([{...fake.holders[0], slot: 'SL03'}])
    expect(h.lock).to.deep.include({state: 'held', alive: null})
    expect(h.tempFiles.map((f) => `${f.path.slice(sb.base.length + 1)} ${f.pid} ${f.alive}`)).to.deep.equal([
      '.dsynth-last-run.json.tmp null false', '.dsynth-slots.lock.999999.tmp 999999 false'])
    expect(h.slotDirs.map((s) => [s.name, s.kind, s.mounted, s.rootMounted, s.files, s.dirs, s.sample.join(' ')])).to.deep.equal([
      ['SL01', 'directory', false, false, 2, 2, 'b construction/work/a.o'],
      ['SL02', 'directory', false, false, 0, 0, ''],
      ['SL03', 'directory', true, true, 0, 0, ''],
      ['SL07', 'symlink', false, false, 0, 0, ''],
    ])
    expect(h.template).to.deep.include({dir: true, marker: true})
    expect(h.template.missing).to.include('etc/passwd')
    expect(h.lastRun!.busy[0].slot).to.equal('SL03')
    expect(fake.calls).to.deep.equal([`holders ${sb.base}/SL03 ${sb.base}/SL03/construction`])
  })

  it('never walks into a mount point below an unmounted slot root', async () => {
    await mkdir(`${sb.base}/SL00/distfiles`, {recursive: true})
    await writeFile(`${sb.base}/SL00/distfiles/big.tar.gz`, 'x')
    const table = parseMountTable(`${sb.root}/synth/distfiles on ${sb.base}/SL00/distfiles (null, local)\n`, {source: 't'})
    const [dir] = await gatherSlotDirs(sb.base, table)
    expect([dir.mounted, dir.rootMounted, dir.files, dir.dirs]).to.deep.equal([true, false, 0, 0])
  })

  it('finds FILE.tmp-PID next to a saved plan', async () => {
    await writeFile(`${sb.root}/slots.plan.tmp-999999`, '{')
    await writeFile(`${sb.root}/other.plan.tmp-1`, '{')
    const files = await gatherTempFiles(sb.base, [`${sb.root}/slots.plan`])
    expect(files.map((f) => `${f.path.slice(sb.root.length + 1)} ${f.pid}`)).to.deep.equal(['slots.plan.tmp-999999 999999'])
  })
})
