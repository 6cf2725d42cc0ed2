import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {
  PortLog, RESULT_LOGS, ResultLogs, RULE, alreadyBuiltLine, failureLine, formatHMS, ignoredLine, justify,
  metaCompleteLine, phaseFooter, phaseHeader, portLogName, skippedLine, startLine, successLine, watchdogMessage,
} from '../../src/build/logs.js'
import {scratchDir} from '../helpers/scratch.js'

/** A line of 79 columns: `left`, spaces, then `right` flush right. */
const cols = (left: string, right: string): string => left.padEnd(79 - right.length) + right

describe('build/logs', () => {
  // [origin, log file name]
  const names: [string, string][] = [
    ['misc/hello', 'misc___hello.log'],
    ['misc/goodbye@loud', 'misc___goodbye@loud.log'],
    ['devel/py-setuptools@py311', 'devel___py-setuptools@py311.log'],
  ]
  for (const [origin, name] of names) {
    it(`names the log of ${origin} ${name}`, () => expect(portLogName(origin)).to.equal(name))
  }

  it("uses C dsynth's result log names", () => {
    expect(Object.values(RESULT_LOGS)).to.deep.equal([
      '00_last_results.log', '01_success_list.log', '02_failure_list.log', '03_ignored_list.log', '04_skipped_list.log',
    ])
  })

  // [ms, hh:mm:ss]
  const times: [number, string][] = [[0, '00:00:00'], [61_999, '00:01:01'], [3_600_000 * 27 + 5000, '27:00:05']]
  for (const [ms, text] of times) it(`formats ${ms} ms as ${text}`, () => expect(formatHMS(ms)).to.equal(text))

  it('right-aligns the text after ## to column 79', () => {
    expect(justify('left ##right')).to.equal('left' + ' '.repeat(79 - 4 - 5) + 'right')
    expect(justify('left ##right')).to.have.length(79)
    expect(justify('x'.repeat(80) + '##tail')).to.equal('x'.repeat(80) + 'tail')
    expect(justify('no marker')).to.equal('no marker')
  })

  // [line, expected]
  const lines: [string, string][] = [
    [startLine(3, 'misc/hello', 2, 1, 1), cols('[003] START   misc/hello ', 'idep=02 depi=01/01')],
    [successLine(0, 'misc/hello', 62_000), cols('[000] SUCCESS misc/hello ', '00:01:02')],
    [failureLine(1, 'misc/broken', 2, 'build', 1000), cols('[001] FAILURE misc/broken 2 ', '           build 00:00:01')],
    [ignoredLine('misc/ignored', 1, 'is marked IGNORE'), '[XXX] misc/ignored 1 ignored due to is marked IGNORE'],
    [ignoredLine('misc/ignored', 0, 'x'), '[XXX] misc/ignored ignored due to x'],
    [skippedLine('misc/needs-broken', 'misc/broken'), '[XXX] misc/needs-broken skipped due to misc/broken'],
    [metaCompleteLine('a/b'), '[XXX] a/b meta-node complete'],
    [alreadyBuiltLine('a/b'), '[XXX] a/b Already-Built'],
  ]
  for (const [line, expected] of lines) {
    it(`formats "${expected.replace(/ +/g, ' ')}"`, () => {
      expect(line).to.equal(expected)
      if (line.startsWith('[0')) expect(line).to.have.length(79)
    })
  }

  it('frames each phase like C dsynth', () => {
    expect(RULE).to.have.length(79)
    expect(phaseHeader('build')).to.equal(`${'-'.repeat(79)}\n-- Phase: build\n${'-'.repeat(79)}\n`)
    expect(phaseFooter(true, 3000)).to.equal('\nSUCCEEDED 00:00:03\n\n')
    expect(phaseFooter(false, 0)).to.equal('\nFAILED 00:00:00\n\n')
    expect(phaseFooter(true, 1000, 65_000)).to.equal('\nSUCCEEDED 00:00:01\nTOTAL TIME 00:01:05\n\n')
    expect(watchdogMessage('misc/x', 'build', 180, 'SL01')).to.contain('WATCHDOG TIMEOUT FOR misc/x in build after 180 minutes')
  })

  it('truncates the result logs and copies every line to 00_last_results.log', () => {
    const dir = path.join(scratchDir('dsynth-logs-'), 'logs')
    const first = new ResultLogs(dir)
    first.add('success', 'old')
    first.close()
    const logs = new ResultLogs(dir)
    logs.add('all', 'a')
    logs.add('failure', 'f')
    logs.add('skipped', 's')
    logs.close()
    const read = (n: string) => readFileSync(path.join(dir, n), 'utf8')
    expect(read('00_last_results.log')).to.equal('a\nf\ns\n')
    expect(read('01_success_list.log')).to.equal('')
    expect(read('02_failure_list.log')).to.equal('f\n')
    expect(read('03_ignored_list.log')).to.equal('')
    expect(read('04_skipped_list.log')).to.equal('s\n')
  })

  it('writes a port log in order', async () => {
    const dir = scratchDir('dsynth-logs-')
    const log = new PortLog(dir, 'misc/goodbye@loud')
    log.write(phaseHeader('fetch'))
    log.write('output\n')
    log.write(phaseFooter(true, 0))
    await log.close()
    expect(log.file).to.equal(path.join(dir, 'misc___goodbye@loud.log'))
    expect(readFileSync(log.file, 'utf8')).to.equal(phaseHeader('fetch') + 'output\n' + phaseFooter(true, 0))
  })
})
