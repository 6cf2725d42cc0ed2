import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, readdir, rm, utimes, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {sweepStaleFstabDirs} from '../../src/platform/linux.js'

/** A pid that has just exited (the kernel does not hand it out again at once). */
function deadPid(): number {
  return Number(spawnSync('sh', ['-c', 'echo $$'], {encoding: 'utf8'}).stdout.trim())
}

describe('platform/linux: generated fstab directories left by killed runs', () => {
  let tmp: string
  beforeEach(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'dsynth-sweep-test-')) })
  afterEach(async () => { await rm(tmp, {recursive: true, force: true}) })

  it('removes those of dead pids, keeps those of live ones, and never removes anything but the fstab file', async () => {
    const dead = deadPid()
    const make = async (name: string, files: string[]) => {
      await mkdir(path.join(tmp, name))
      for (const f of files) await writeFile(path.join(tmp, name, f), 'x\n')
    }
    await make(`dsynth-fstab-${dead}-aB3xYz`, ['fstab'])
    await make(`dsynth-fstab-${process.pid}-aB3xYz`, ['fstab'])
    await make(`dsynth-fstab-${dead}-QQQQQQ`, ['fstab', 'precious'])
    await make(`dsynth-fstab-${dead}-toolong1`, ['fstab'])
    await make('dsynth-other-1', ['fstab'])
    await sweepStaleFstabDirs(tmp)
    expect((await readdir(tmp)).sort()).to.deep.equal([`dsynth-fstab-${dead}-QQQQQQ`, `dsynth-fstab-${dead}-toolong1`, `dsynth-fstab-${process.pid}-aB3xYz`, 'dsynth-other-1'].sort())
    expect(existsSync(path.join(tmp, `dsynth-fstab-${dead}-QQQQQQ`, 'precious'))).to.equal(true)
    expect(existsSync(path.join(tmp, `dsynth-fstab-${process.pid}-aB3xYz`, 'fstab'))).to.equal(true)
  })

  it('removes one named for a live pid whose process started after the directory was made (pid reused)', async () => {
    const stale = path.join(tmp, `dsynth-fstab-${process.pid}-OldOne`)
    await mkdir(stale)
    await writeFile(path.join(stale, 'fstab'), 'x\n')
    // made a day ago: this process, which has that pid now, started long after
    const dayAgo = new Date(Date.now() - 86_400_000)
    await utimes(stale, dayAgo, dayAgo)
    await sweepStaleFstabDirs(tmp)
    expect(existsSync(stale)).to.equal(false)
  })

  it('a missing directory is nothing to sweep', async () => {
    await sweepStaleFstabDirs(path.join(tmp, 'absent'))
  })
})
