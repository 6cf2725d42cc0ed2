import {mkdir, symlink} from 'node:fs/promises'
import {expect} from 'chai'
import type {MountSpec} from '../../src/layout/types.js'
import {FakePlatform} from '../helpers/fake-platform.js'
import {bsdLine, hostPlus, makeSandbox, type Sandbox} from './sandbox.js'

/** A null mount spec of SL00. */
function spec(target: string, source = '/usr/include', readonly = true): MountSpec {
  return {slot: 'SL00', order: 1, path: '/x', target, fstype: 'null', source, options: [readonly ? 'ro' : 'rw'], readonly}
}

describe('test helper: FakePlatform', () => {
  let sb: Sandbox
  beforeEach(async () => { sb = await makeSandbox('dsynth-fake-') })
  afterEach(async () => { await sb.cleanup() })

  it('unmounts the top mount at a path and keeps the one below', async () => {
    const t = `${sb.base}/SL00`
    const fake = new FakePlatform({mkdirs: false, table: hostPlus([bsdLine('tmpfs', t, 'tmpfs'), bsdLine('tmpfs', t, 'tmpfs')])})
    const [lower, upper] = fake.mountsBelow(t)
    const r = await fake.unmount([t])
    expect(r.ok).to.equal(true)
    expect(fake.mountsBelow(t)).to.deep.equal([lower])
    expect(upper.id).to.be.greaterThan(lower.id)
    expect(fake.calls).to.deep.equal([`umount ${t}`])
  })

  it('refuses to unmount a mount that has mounts on it (busy), but not one whose children sit on a lower layer', async () => {
    const t = `${sb.base}/SL00`
    const fake = new FakePlatform({mkdirs: false, table: hostPlus([bsdLine('tmpfs', t, 'tmpfs'), bsdLine('/bin', `${t}/bin`, 'null', true),
      bsdLine('tmpfs', t, 'tmpfs')])})
    // the upper root has nothing on it: /bin sits on the lower root
    expect((await fake.unmount([t])).ok).to.equal(true)
    const r = await fake.unmount([t])
    expect(r.ok).to.equal(false)
    expect(r.commands[0].stderr).to.match(/Device busy/)
    expect((await fake.unmount([`${t}/bin`, t])).ok).to.equal(true)
    expect(fake.mountsBelow(t)).to.deep.equal([])
  })

  it('answers busy a given number of times, or always; an unknown target fails', async () => {
    const a = `${sb.base}/SL00/a`
    const b = `${sb.base}/SL00/b`
    const fake = new FakePlatform({mkdirs: false, table: hostPlus([bsdLine('tmpfs', a, 'tmpfs'), bsdLine('tmpfs', b, 'tmpfs')])})
    fake.busy.set(a, 1)
    fake.busy.set(b, 'always')
    expect((await fake.unmount([a])).ok).to.equal(false)
    expect((await fake.unmount([a])).ok).to.equal(true)
    for (let i = 0; i < 3; i++) expect((await fake.unmount([b])).ok).to.equal(false)
    const r = await fake.unmount([`${sb.base}/SL00/none`])
    expect(r.ok).to.equal(false)
    expect(r.commands[0].stderr).to.match(/not a file system root/)
  })

  it('mounts and remounts, and the table reads back through the BSD parser with parents', async () => {
    const fake = new FakePlatform()
    const root: MountSpec = {slot: 'SL00', order: 0, path: '/', target: `${sb.base}/SL00`, fstype: 'tmpfs', source: 'tmpfs', options: ['rw', 'size=16g'], readonly: false}
    await fake.mount([root, spec(`${sb.base}/SL00/usr/include`)])
    await fake.remount({...spec(`${sb.base}/SL00/usr/include`), options: ['rw'], readonly: false})
    const table = await fake.readMountTable()
    const mine = table.mounts.filter((m) => m.target.startsWith(sb.base))
    expect(mine.map((m) => [m.source, m.target, m.fstype, m.readonly])).to.deep.equal([
      ['tmpfs', `${sb.base}/SL00`, 'tmpfs', false], ['/usr/include', `${sb.base}/SL00/usr/include`, 'null', false]])
    expect(mine[1].parent).to.equal(mine[0].id)
    expect(fake.calls).to.deep.equal([`mount ${sb.base}/SL00 ${sb.base}/SL00/usr/include`, `remount rw ${sb.base}/SL00/usr/include`])
    expect(fake.reads).to.equal(1)
  })

  it('follows a symlink in a mount point as the kernel does (so a missed check is visible)', async () => {
    await mkdir(`${sb.base}/SL00`, {recursive: true})
    await mkdir(`${sb.root}/outside`)
    await symlink(`${sb.root}/outside`, `${sb.base}/SL00/xports`)
    const fake = new FakePlatform()
    await fake.mount([spec(`${sb.base}/SL00/xports`)])
    expect(fake.mounts.at(-1)!.target).to.equal(`${sb.root}/outside`)
  })

  it('finds holders like fstat -f on BSD (same filesystem) and like the /proc scan on Linux (at or below)', async () => {
    const b = sb.base
    const make = {pid: 7, user: 'root', command: 'make', how: ['cwd' as const], path: `${b}/SL01/construction/x`}
    const sh = {pid: 8, user: 'root', command: 'sh', how: ['cwd' as const], path: `${b}/SL01/tmp`}
    const bsd = new FakePlatform({mkdirs: false, table: hostPlus([bsdLine('tmpfs', `${b}/SL01`, 'tmpfs'), bsdLine('tmpfs', `${b}/SL01/construction`, 'tmpfs')])})
    bsd.holders = [make, sh]
    expect(await bsd.findHolders([`${b}/SL01`])).to.deep.equal([sh])
    expect(await bsd.findHolders([`${b}/SL01/construction`])).to.deep.equal([make])
    const linux = new FakePlatform({name: 'linux'})
    linux.holders = [make, sh, {...sh, pid: 9, path: `${b}/SL02`}]
    expect(await linux.findHolders([`${b}/SL01`])).to.deep.equal([make, sh])
  })

  it('records run() and builds chroot argv', async () => {
    const fake = new FakePlatform()
    expect((await fake.run(['cp', '-Rp', 'a', 'b'])).exitCode).to.equal(0)
    expect(fake.chrootArgv('/b/SL00', ['sh', '-c', 'true'])).to.deep.equal(['chroot', '/b/SL00', 'sh', '-c', 'true'])
    expect(fake.calls).to.deep.equal(['run cp -Rp a b'])
  })
})
