import {expect} from 'chai'
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type {MountSpec} from '../../src/layout/types.js'
import {LinuxPlatform} from '../../src/platform/linux.js'

/** A tmpfs spec of slot `slot` at `rel` under `base`. */
function spec(base: string, slot: string, rel: string): MountSpec {
  const target = rel === '/' ? `${base}/${slot}` : `${base}/${slot}${rel}`
  return {slot, order: 0, path: rel, target, fstype: 'tmpfs', source: 'dsynth', options: ['rw', 'size=16g'], readonly: false}
}

// The Linux driver hands every slot that is ready at the same time to one `mount -a`. A fake `mount` on PATH records
// each run's fstab (nothing is mounted); the driver's mountinfo is a file the test writes.
describe('platform/linux: mount() calls of several slots share one mount -a', () => {
  let tmp: string
  let base: string
  let mountinfo: string
  let log: string
  const savedPath = process.env.PATH
  /** Installs the fake mount: it appends `--- run` and its fstab to the log, sleeps `sleep` seconds, prints `stderr`, exits `code`. */
  const fakeMount = async (code = 0, stderr = '', sleep = 0) => {
    await writeFile(path.join(tmp, 'bin/mount'), `#!/bin/sh
[ "$1 $2 $3" = "-a -n -T" ] || { echo "unexpected: $*" >&2; exit 99; }
{ echo '--- run'; cat "$4"; } >> '${log}'
sleep ${sleep}
[ -z '${stderr}' ] || echo '${stderr}' >&2
exit ${code}
`)
    await chmod(path.join(tmp, 'bin/mount'), 0o755)
  }
  const runs = async () => (await readFile(log, 'utf8')).split('--- run\n').filter(Boolean).map((r) => r.trim().split('\n').map((l) => l.split(' ')[1]))

  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'dsynth-mount-batch-'))
    base = path.join(tmp, 'build')
    mountinfo = path.join(tmp, 'mountinfo')
    log = path.join(tmp, 'runs.log')
    await writeFile(log, '')
    await writeFile(mountinfo, '21 1 254:0 / / rw,relatime - ext4 /dev/vda1 rw\n')
    await mkdir(path.join(tmp, 'bin'))
    process.env.PATH = `${path.join(tmp, 'bin')}:${savedPath}`
  })
  afterEach(async () => {
    process.env.PATH = savedPath
    await rm(tmp, {recursive: true, force: true})
  })

  it('three slots ready at once: one process, each slot\'s lines together and in order', async () => {
    await fakeMount()
    const linux = new LinuxPlatform(mountinfo)
    const calls = ['SL00', 'SL01', 'SL02'].map((s) => [spec(base, s, '/'), spec(base, s, '/boot'), spec(base, s, '/usr/local')])
    const results = await Promise.all(calls.map((c) => linux.mount(c)))
    expect(results.map((r) => r.ok)).to.deep.equal([true, true, true])
    expect(await runs()).to.deep.equal([calls.flat().map((s) => s.target)])
  })

  it('calls that arrive while a mount -a runs share the next one', async () => {
    await fakeMount(0, '', 0.3)
    const linux = new LinuxPlatform(mountinfo)
    const first = linux.mount([spec(base, 'SL00', '/')])
    await new Promise((r) => setTimeout(r, 100))
    const later = await Promise.all([linux.mount([spec(base, 'SL01', '/')]), linux.mount([spec(base, 'SL02', '/')])])
    expect((await first).ok).to.equal(true)
    expect(later.map((r) => r.ok)).to.deep.equal([true, true])
    expect(await runs()).to.deep.equal([[`${base}/SL00`], [`${base}/SL01`, `${base}/SL02`]])
    // a call after the queue ran dry starts a run of its own (and does not wait forever)
    expect((await linux.mount([spec(base, 'SL03', '/')])).ok).to.equal(true)
    expect((await runs()).length).to.equal(3)
  })

  it('when mount -a fails, a call is ok exactly when all its targets are mounted, with its own lines of the message', async () => {
    // GIVEN SL01/boot fails: mount -a goes on (exit 64, "some mounts succeeded") and SL00 is mounted in full
    await fakeMount(64, `mount: ${base}/SL01/boot: mount point does not exist.`)
    const mounted = [`${base}/SL00`, `${base}/SL00/boot`, `${base}/SL01`].map((t, i) => `${30 + i} 21 0:${40 + i} / ${t} rw - tmpfs dsynth rw`)
    await writeFile(mountinfo, `21 1 254:0 / / rw,relatime - ext4 /dev/vda1 rw\n${mounted.join('\n')}\n`)
    const linux = new LinuxPlatform(mountinfo)
    const [sl00, sl01] = await Promise.all([
      linux.mount([spec(base, 'SL00', '/'), spec(base, 'SL00', '/boot')]),
      linux.mount([spec(base, 'SL01', '/'), spec(base, 'SL01', '/boot')]),
    ])
    expect(sl00.ok).to.equal(true)
    expect(sl01.ok).to.equal(false)
    expect(sl01.commands[0].stderr).to.equal(`mount: ${base}/SL01/boot: mount point does not exist.`)
    expect(sl01.commands[0].exitCode).to.equal(64)
  })

  it('a single call that fails is not ok, with mount\'s whole message', async () => {
    await fakeMount(32, 'mount: something went wrong')
    const r = await new LinuxPlatform(mountinfo).mount([spec(base, 'SL00', '/')])
    expect(r.ok).to.equal(false)
    expect(r.commands[0].stderr.trim()).to.equal('mount: something went wrong')
  })
})
