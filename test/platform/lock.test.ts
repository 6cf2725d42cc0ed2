import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync, readdirSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {LockError} from '../../src/errors.js'
import {acquireLock, forceUnlock, lockPath, pidAlive, readLock} from '../../src/platform/lock.js'

describe('platform/lock', () => {
  let base: string
  beforeEach(async () => { base = await mkdtemp(path.join(os.tmpdir(), 'dsynth-lock-')) })
  // plain directories (nothing is mounted in these unit tests)
  afterEach(async () => { await rm(base, {recursive: true, force: true}) })

  it('records pid, command, user, host and start time, and releases', async () => {
    const lock = await acquireLock(base, 'dsynth apply', 0)
    const info = JSON.parse(await readFile(lockPath(base), 'utf8'))
    expect(info).to.include({pid: process.pid, command: 'dsynth apply', user: os.userInfo().username, host: os.hostname()})
    expect(Date.parse(info.startedAt)).to.be.closeTo(Date.now(), 5000)
    await lock.release()
    expect(await readLock(base)).to.equal(null)
  })

  it('fails at once naming the holder when the lock is held and the timeout is 0', async () => {
    const first = await acquireLock(base, 'dsynth apply', 0)
    try {
      await acquireLock(base, 'dsynth destroy', 0)
      expect.fail('second lock was granted')
    } catch (e) {
      expect(e).to.be.instanceOf(LockError)
      expect((e as LockError).exit).to.equal(1)
      expect((e as Error).message).to.contain(`locked by pid ${process.pid} (dsynth apply)`)
    } finally {
      await first.release()
    }
  })

  it('waits up to the timeout and gets the lock when the holder releases it', async () => {
    const first = await acquireLock(base, 'first', 0)
    setTimeout(() => void first.release(), 200)
    const t0 = Date.now()
    const second = await acquireLock(base, 'second', 5000)
    expect(Date.now() - t0).to.be.within(150, 4000)
    expect((await readLock(base)) as {command: string}).to.include({command: 'second'})
    await second.release()
  })

  it('takes over a lock whose pid is dead', async () => {
    await writeFile(lockPath(base), JSON.stringify({pid: 2 ** 22 + 12345, command: 'dsynth apply', user: 'root', host: 'x', startedAt: '2026-01-01T00:00:00Z'}))
    expect(pidAlive(2 ** 22 + 12345)).to.equal(false)
    const lock = await acquireLock(base, 'dsynth apply', 0)
    expect(lock.tookOver).to.include({pid: 2 ** 22 + 12345})
    await lock.release()
  })

  it('takes over a lock whose pid now names a process started after the lock was taken (pid reuse)', async () => {
    // GIVEN a live process that started now, named by a lock taken an hour ago
    const child = spawn('sleep', ['30'], {stdio: 'ignore'})
    try {
      await new Promise((r) => child.once('spawn', r))
      const old = new Date(Date.now() - 3_600_000).toISOString()
      await writeFile(lockPath(base), JSON.stringify({pid: child.pid, command: 'dsynth apply', user: 'root', host: os.hostname(), startedAt: old}))
      // WHEN another dsynth asks for the lock THEN it is taken over: that process is not the holder
      const lock = await acquireLock(base, 'dsynth apply', 0)
      expect(lock.tookOver).to.include({pid: child.pid, startedAt: old})
      await lock.release()
      // and a lock taken after that process started is held by it
      await writeFile(lockPath(base), JSON.stringify({pid: child.pid, command: 'dsynth apply', user: 'root', host: os.hostname(), startedAt: new Date(Date.now() + 5000).toISOString()}))
      await acquireLock(base, 'dsynth apply', 0).then(() => expect.fail('the lock of a live holder was taken'), (e) => expect(e).to.be.instanceOf(LockError))
    } finally {
      child.kill()
    }
  })

  it('takes over a lock whose pid is now a thread of another process (Linux thread ids share pid numbers)', async function () {
    if (process.platform !== 'linux') this.skip()
    const tid = readdirSync('/proc/self/task').map(Number).find((t) => t !== process.pid)!
    expect(pidAlive(tid)).to.equal(true)
    await writeFile(lockPath(base), JSON.stringify({pid: tid, command: 'dsynth apply', user: 'root', host: os.hostname(), startedAt: new Date(Date.now() + 5000).toISOString()}))
    const lock = await acquireLock(base, 'dsynth apply', 0)
    expect(lock.tookOver).to.include({pid: tid})
    await lock.release()
  })

  it('a takeover killed half-way (its .break file left) does not block the next apply (regression)', async () => {
    // GIVEN a dead holder's lock and the .break file of a dsynth killed while it was taking that lock over
    const dead = 2 ** 22 + 4321
    await writeFile(lockPath(base), JSON.stringify({pid: dead, command: 'dsynth apply -y', user: 'root', host: os.hostname(), startedAt: new Date().toISOString()}))
    await writeFile(`${lockPath(base)}.break`, String(2 ** 22 + 4322))
    // WHEN an apply asks for the lock without waiting THEN it takes the lock over at once
    const lock = await acquireLock(base, 'dsynth apply', 0)
    expect(lock.tookOver).to.include({pid: dead})
    expect(existsSync(`${lockPath(base)}.break`)).to.equal(false)
    await lock.release()
  })

  it('waits briefly while a live process is taking a stale lock over, then names the lock it finds', async () => {
    const dead = 2 ** 22 + 4323
    await writeFile(lockPath(base), JSON.stringify({pid: dead, command: 'dsynth apply -y', user: 'root', host: os.hostname(), startedAt: new Date().toISOString()}))
    // a live breaker (this process, started before its .break file) that never finishes
    await writeFile(`${lockPath(base)}.break`, String(process.pid))
    const t0 = Date.now()
    await acquireLock(base, 'dsynth apply', 0).then(() => expect.fail('took a lock that another process is breaking'), (e) => {
      expect(e).to.be.instanceOf(LockError)
      expect((e as Error).message).to.contain(`pid ${dead}`)
    })
    expect(Date.now() - t0).to.be.within(900, 5000)
  })

  it('only one of many simultaneous takeovers of a stale lock wins', async () => {
    await writeFile(lockPath(base), JSON.stringify({pid: 2 ** 22 + 999, command: 'x', user: 'root', host: 'x', startedAt: 'then'}))
    const results = await Promise.allSettled(Array.from({length: 8}, (_, i) => acquireLock(base, `p${i}`, 0)))
    const won = results.filter((r) => r.status === 'fulfilled')
    // every acquireLock of this process shares one pid, so a winner's lock is "alive" for the others: exactly one wins
    expect(won).to.have.length(1)
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value.release()
  })

  it('release never removes somebody else\'s lock; force-unlock removes any', async () => {
    const lock = await acquireLock(base, 'mine', 0)
    await writeFile(lockPath(base), JSON.stringify({pid: process.pid, command: 'other', user: 'root', host: 'x', startedAt: 'later'}))
    await lock.release()
    expect((await readLock(base)) as {command: string}).to.include({command: 'other'})
    expect(await forceUnlock(base)).to.include({command: 'other'})
    expect(await readLock(base)).to.equal(null)
  })
})
