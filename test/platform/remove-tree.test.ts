import {expect} from 'chai'
import {lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {SafetyError} from '../../src/errors.js'
import {removeTreeOnDevice} from '../../src/platform/remove-tree.js'
import {assertNoSymlinks} from '../../src/platform/safety.js'

describe('platform/remove-tree and safety', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'dsynth-rm-')) })
  // plain directories (nothing is mounted in these unit tests)
  afterEach(async () => { await rm(dir, {recursive: true, force: true}) })

  it('removes a tree but only deletes symlinks, never what they point to', async () => {
    const victim = path.join(dir, 'victim')
    await mkdir(victim)
    await writeFile(path.join(victim, 'keep'), 'data')
    const slot = path.join(dir, 'SL00')
    await mkdir(path.join(slot, 'a/b'), {recursive: true})
    await writeFile(path.join(slot, 'a/b/f'), 'x')
    await symlink(victim, path.join(slot, 'a/link'))
    await removeTreeOnDevice(slot, (await lstat(dir)).dev)
    expect(await readdir(dir)).to.deep.equal(['victim'])
    expect(await readdir(victim)).to.deep.equal(['keep'])
  })

  it('refuses a directory on another device', async () => {
    await mkdir(path.join(dir, 'SL00'))
    try {
      await removeTreeOnDevice(path.join(dir, 'SL00'), (await lstat(dir)).dev + 1)
      expect.fail('removed across a device boundary')
    } catch (e) {
      expect(e).to.be.instanceOf(SafetyError)
      expect((e as SafetyError).code).to.equal('CROSSES_MOUNT')
    }
    expect(await readdir(dir)).to.deep.equal(['SL00'])
  })

  // [path to plant a symlink at (relative to the build base), target checked] -> refused?
  const cases: Array<[string | null, string, boolean]> = [
    [null, 'SL00/usr/bin', false],
    ['SL00', 'SL00/usr/bin', true],
    ['SL00/usr', 'SL00/usr/bin', true],
    ['SL00/usr/bin', 'SL00/usr/bin', true],
    ['SL01', 'SL00/usr/bin', false],
  ]
  for (const [planted, target, refused] of cases) {
    it(`assertNoSymlinks: symlink at ${planted ?? '(none)'} ${refused ? 'refuses' : 'allows'} ${target}`, async () => {
      const base = path.join(dir, 'build')
      await mkdir(base)
      if (planted) {
        await mkdir(path.join(base, path.dirname(planted)), {recursive: true})
        await symlink('/etc', path.join(base, planted))
      }
      const p = assertNoSymlinks(path.join(base, target), base)
      if (refused) {
        try { await p; expect.fail('allowed') } catch (e) { expect((e as SafetyError).code).to.equal('SYMLINK_IN_TARGET') }
      } else {
        await p
      }
    })
  }

  it('assertNoSymlinks refuses a target outside the build base', async () => {
    try {
      await assertNoSymlinks('/etc/passwd', dir)
      expect.fail('allowed')
    } catch (e) {
      expect((e as SafetyError).code).to.equal('OUTSIDE_BUILD_BASE')
    }
  })
})
