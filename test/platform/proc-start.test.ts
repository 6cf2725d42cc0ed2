import {expect} from 'chai'
import {readdirSync} from 'node:fs'
import {isOtherProcessThread, parseLstart, processStartMs} from '../../src/platform/proc-start.js'

describe('platform/proc-start: when a pid\'s process started', () => {
  it('Linux: the start of this process, to about a second', function () {
    if (process.platform !== 'linux') this.skip()
    const started = processStartMs(process.pid)
    expect(started).to.be.a('number')
    expect(started!).to.be.closeTo(Date.now() - process.uptime() * 1000, 1500)
    expect(processStartMs(2 ** 30)).to.equal(null)
  })

  it('Linux: a thread id of this process is a thread of another process than the one it names', function () {
    if (process.platform !== 'linux') this.skip()
    const tid = readdirSync('/proc/self/task').map(Number).find((t) => t !== process.pid)!
    expect(isOtherProcessThread(tid)).to.equal(true)
    expect(isOtherProcessThread(process.pid)).to.equal(false)
    expect(isOtherProcessThread(2 ** 30)).to.equal(false)
  })

  it('BSD: reads ps -o lstart (local time), and nothing else', () => {
    expect(parseLstart('Fri Dec  4 17:10:38 2026\n')).to.equal(new Date(2026, 11, 4, 17, 10, 38).getTime())
    expect(parseLstart('Mon Jan 12 03:04:05 2026')).to.equal(new Date(2026, 0, 12, 3, 4, 5).getTime())
    for (const bad of ['', 'Fri Foo  4 17:10:38 2026', '17:10:38', 'ps: process not found']) expect(parseLstart(bad)).to.equal(null)
  })
})
