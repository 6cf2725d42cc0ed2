import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {copyFile, mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {isGone, refuseToSignal, signalAll, waitGone} from '../../src/platform/kill.js'
import {scanProcHolders} from '../../src/platform/proc-scan.js'

/** Starts `argv` and resolves once it runs. */
async function start(argv: string[]): Promise<number> {
  const child = spawn(argv[0], argv.slice(1), {stdio: 'ignore'})
  await new Promise((r) => setTimeout(r, 100))
  return child.pid!
}

describe('platform/kill: SIGTERM, a bounded wait, SIGKILL', () => {
  it('SIGTERM ends an ordinary process; waitGone sees it go', async () => {
    const pid = await start(['sleep', '30'])
    expect(await isGone(pid)).to.equal(false)
    expect(signalAll([pid], 'SIGTERM')).to.deep.equal([pid])
    expect(await waitGone([pid], 2000)).to.deep.equal([])
  })

  it('a process ignoring SIGTERM survives the wait, then SIGKILL ends it', async () => {
    const pid = await start(['sh', '-c', 'trap "" TERM; exec sleep 30'])
    signalAll([pid], 'SIGTERM')
    expect(await waitGone([pid], 200)).to.deep.equal([pid])
    signalAll([pid], 'SIGKILL')
    expect(await waitGone([pid], 2000)).to.deep.equal([])
  })

  it('skips a pid that does not exist', () => {
    expect(signalAll([999999999], 'SIGTERM')).to.deep.equal([])
  })

  // [pid, why it is never signalled (null: it may be)]
  const CASES: [number, string | null][] = [
    [1, 'init'], [0, 'init'], [process.pid, 'dsynth itself'], [process.ppid, "dsynth's parent (the shell that started it)"], [999999, null],
  ]
  for (const [pid, why] of CASES) it(`pid ${pid}: ${why ?? 'may be signalled'}`, () => expect(refuseToSignal(pid)).to.equal(why))

  it('never the processes above its parent either (sudo or sh -c between dsynth and the shell)', () => {
    // GIVEN the grandparent of this process, read from /proc
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8')
    const grandparent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    expect(grandparent).to.be.greaterThan(0)
    if (grandparent === 1) return expect(refuseToSignal(grandparent)).to.equal('init')
    expect(refuseToSignal(grandparent)).to.equal('an ancestor of dsynth (the shell or wrapper that started it)')
  })
})

describe('platform/proc-scan: processes holding a slot', () => {
  it('finds a process by its cwd and one that only maps a library from the slot (LD_PRELOAD)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dsynth-scan-'))
    const children: ChildProcess[] = []
    try {
      // GIVEN a copy of a real shared library inside the "slot", preloaded by a process whose cwd is elsewhere
      const lib = ['/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/x86_64-linux-gnu/libz.so.1', '/lib/aarch64-linux-gnu/libz.so.1'].find((l) => existsSync(l))!
      await copyFile(lib, `${dir}/libz.so.1`)
      children.push(spawn('sleep', ['30'], {cwd: '/', env: {...process.env, LD_PRELOAD: `${dir}/libz.so.1`}, stdio: 'ignore'}))
      children.push(spawn('sleep', ['30'], {cwd: dir, stdio: 'ignore'}))
      await new Promise((r) => setTimeout(r, 200))
      // WHEN the slot is scanned
      const holders = await scanProcHolders([dir])
      // THEN both are found, each with how it holds the slot
      const by = new Map(holders.map((h) => [h.pid, h]))
      expect(by.get(children[0].pid!)?.how).to.deep.equal(['map'])
      expect(by.get(children[0].pid!)?.path).to.equal(`${dir}/libz.so.1`)
      expect(by.get(children[1].pid!)?.how).to.deep.equal(['cwd'])
    } finally {
      for (const c of children) c.kill('SIGKILL')
      await rm(dir, {recursive: true, force: true})
    }
  })
})
