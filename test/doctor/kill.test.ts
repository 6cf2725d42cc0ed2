import {spawn} from 'node:child_process'
import {expect} from 'chai'
import {isGone, refuseToSignal, signalAll, waitGone} from '../../src/platform/kill.js'

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
})
