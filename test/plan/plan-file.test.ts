import {expect} from 'chai'
import {mkdir, mkdtemp, readdir, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {diffSlots} from '../../src/plan/diff.js'
import {readPlanFile, savePlanFile} from '../../src/plan/plan-file.js'
import {BSD_HOST, bsd, desired} from './tables.js'

describe('plan/plan-file: saved plans', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'dsynth-planfile-')) })
  afterEach(async () => { await rm(dir, {recursive: true, force: true}) })
  const plan = diffSlots(desired('dragonfly', {builders: 1}), bsd(BSD_HOST), {mode: 'apply', slotFilter: null})

  it('round-trips a plan through the file, fingerprint included', async () => {
    await savePlanFile(`${dir}/p.plan`, plan, {configFile: '/etc/dsynth/dsynth.ini', profile: 'LiveSystem'})
    const saved = await readPlanFile(`${dir}/p.plan`)
    expect(saved.plan).to.deep.equal(JSON.parse(JSON.stringify(plan)))
    expect(saved.plan.fingerprint).to.match(/^sha256:/)
    expect(await readdir(dir)).to.deep.equal(['p.plan'])
  })

  it('a target that cannot be written (a directory) is PLANFILE_WRITE and leaves no temporary file behind', async () => {
    await mkdir(`${dir}/out`)
    let code = ''
    try { await savePlanFile(`${dir}/out`, plan) } catch (e) { code = (e as {code: string}).code }
    expect(code).to.equal('PLANFILE_WRITE')
    expect(await readdir(dir)).to.deep.equal(['out'])
  })
})
