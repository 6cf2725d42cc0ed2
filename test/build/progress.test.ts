import {expect} from 'chai'
import {createProgress, formatCounts, formatEventLine, formatSlotLine, renderSummary} from '../../src/build/progress.js'
import type {BuildEvent, BuildSummary} from '../../src/build/types.js'

const summary = (over: Partial<BuildSummary> = {}): BuildSummary => ({
  ok: false, dryRun: false, interrupted: false, order: ['a/lib', 'a/broken', 'a/app'], built: ['a/lib'],
  failed: [{origin: 'a/broken', phase: 'build'}], ignored: [{origin: 'a/ign', reason: 'is ignored'}],
  skipped: [{origin: 'a/app', reason: 'a/broken'}], upToDate: ['a/old'], notBuilt: [], logsDir: '/tmp/logs', elapsedMs: 65_000,
  ...over,
})

const sink = () => {
  const out = {text: '', write(s: string) { out.text += s }}
  return out
}
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')

describe('build/progress', () => {
  // [event, line]
  const lines: [BuildEvent, string | null][] = [
    [{type: 'queued', at: 0, total: 5, toBuild: ['a', 'b'], upToDate: ['c']}, '00:00:00 queued 2 to build, 1 up to date, 5 in the graph'],
    [{type: 'start', at: 1000, origin: 'a/lib', slot: 'SL00'}, '00:00:01 [SL00] START    a/lib'],
    [{type: 'phase', at: 1000, origin: 'a/lib', slot: 'SL00', phase: 'build'}, null],
    [{type: 'success', at: 3000, origin: 'a/lib', slot: 'SL00', ms: 2000}, '00:00:03 [SL00] SUCCESS  a/lib 00:00:02'],
    [{type: 'success', at: 3000, origin: 'a/x', slot: null, ms: 0}, '00:00:03 [XXX] SUCCESS  a/x 00:00:00'],
    [{type: 'failure', at: 4000, origin: 'a/broken', slot: 'SL01', phase: 'build', ms: 1000, reason: 'build exited 1'}, '00:00:04 [SL01] FAILURE  a/broken in build 00:00:01'],
    [{type: 'ignored', at: 0, origin: 'a/ign', reason: 'is ignored'}, '00:00:00 [XXX] IGNORED  a/ign: is ignored'],
    [{type: 'skipped', at: 4000, origin: 'a/app', reason: 'a/broken'}, '00:00:04 [XXX] SKIPPED  a/app: due to a/broken'],
    [{type: 'interrupted', at: 5000, origin: 'a/lib', slot: 'SL00', phase: 'stage'}, '00:00:05 [SL00] STOPPED  a/lib in stage'],
  ]
  for (const [event, line] of lines) {
    it(`prints ${event.type} as ${JSON.stringify(line)}`, () => expect(formatEventLine(event)).to.equal(line))
  }

  it('draws the counts with a bar', () => {
    expect(formatCounts({built: 3, failed: 1, skipped: 0, ignored: 2, remaining: 4}, 8))
      .to.equal('built 3  failed 1  skipped 0  ignored 2  remaining 4  [####----]  50%')
    expect(formatSlotLine('SL00', undefined, 0)).to.equal('SL00  idle')
    expect(formatSlotLine('SL01', {origin: 'misc/hello', phase: 'build', since: 1000}, 62_000))
      .to.equal(`SL01  ${'misc/hello'.padEnd(32)}  ${'build'.padEnd(15)}  00:01:01`)
  })

  it('renders the summary table and the log directory', () => {
    expect(renderSummary(summary())).to.equal([
      'RESULT      ORIGIN    DETAIL',
      'built       a/lib',
      'failed      a/broken  in build',
      'skipped     a/app     due to a/broken',
      'ignored     a/ign     is ignored',
      'up to date  a/old',
      'Finished in 00:01:05: built 1, failed 1, skipped 1, ignored 1, up to date 1',
      'Logs: /tmp/logs', '',
    ].join('\n'))
  })

  it('renders a dry run as the build order', () => {
    const text = renderSummary(summary({dryRun: true, built: [], failed: [], upToDate: []}))
    expect(text).to.equal('Build order (3):\n    1. a/lib\n    2. a/broken\n    3. a/app\nWould ignore a/ign: is ignored\nWould skip a/app: due to a/broken\n')
  })

  it('json: one object per event', () => {
    const out = sink()
    const p = createProgress('json', out, {slots: ['SL00']})
    p.onEvent(lines[1][0])
    p.onEvent(lines[3][0])
    p.finish(summary())
    expect(out.text.trim().split('\n').map((l) => JSON.parse(l))).to.deep.equal([lines[1][0], lines[3][0]])
  })

  it('lines: one line per event, then the summary', () => {
    const out = sink()
    const p = createProgress('lines', out, {slots: ['SL00']})
    for (const [e] of lines) p.onEvent(e)
    p.finish(summary())
    expect(out.text).to.equal(lines.filter(([, l]) => l !== null).map(([, l]) => l + '\n').join('') + renderSummary(summary()))
  })

  it('tty: live lines per slot and counts, finished ports scroll above them', () => {
    const out = sink()
    const p = createProgress('tty', out, {slots: ['SL00', 'SL01'], refreshMs: 0, elapsed: () => 2000})
    p.onEvent({type: 'queued', at: 0, total: 3, toBuild: ['a/lib', 'a/app'], upToDate: []})
    p.onEvent({type: 'start', at: 0, origin: 'a/lib', slot: 'SL00'})
    p.onEvent({type: 'phase', at: 500, origin: 'a/lib', slot: 'SL00', phase: 'build'})
    const frame = strip(out.text.slice(out.text.lastIndexOf('\x1b[3F'))).split('\n')
    expect(frame.slice(0, 3)).to.deep.equal([
      `SL00  ${'a/lib'.padEnd(32)}  ${'build'.padEnd(15)}  00:00:02`,
      'SL01  idle',
      'built 0  failed 0  skipped 0  ignored 0  remaining 2  [--------------------]   0%',
    ])
    p.onEvent({type: 'success', at: 2000, origin: 'a/lib', slot: 'SL00', ms: 2000})
    const after = strip(out.text.slice(out.text.lastIndexOf('\x1b[3F'))).split('\n')
    expect(after.slice(0, 4)).to.deep.equal([
      '00:00:02 [SL00] SUCCESS  a/lib 00:00:02', 'SL00  idle', 'SL01  idle',
      'built 1  failed 0  skipped 0  ignored 0  remaining 1  [##########----------]  50%',
    ])
    p.finish(summary())
    expect(out.text.endsWith('\x1b[3F\x1b[0J' + renderSummary(summary()))).to.equal(true)
  })
})
