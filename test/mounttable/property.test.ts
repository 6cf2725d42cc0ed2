import {expect} from 'chai'
import fc from 'fast-check'

import {MountTableError} from '../../src/errors.js'
import {parseMountTable} from '../../src/mounttable/parse.js'
import type {MountTable} from '../../src/mounttable/types.js'
import {fixture} from './helpers.js'

// 2000 in the normal run; MOUNTTABLE_FC_RUNS=10000 for a longer one
const numRuns = Number(process.env.MOUNTTABLE_FC_RUNS ?? 2000)
const FIXTURES = ['seed-tripled.txt', 'freebsd-slots.txt', 'freebsd-slots-mount-p.txt', 'linux-slots-mountinfo.txt'].map(fixture)

/** The first broken invariant of a parsed table, or undefined. Plain checks: chai per mount is too slow for fuzzing. */
function brokenInvariant(t: MountTable): string | undefined {
  const ids = new Map(t.mounts.map((m) => [m.id, m]))
  if (ids.size !== t.mounts.length) return 'duplicate ids'
  let lastLine = 0
  for (const [i, m] of t.mounts.entries()) {
    if (m.seq !== i || m.line <= lastLine) return `seq/line out of order at ${i}`
    lastLine = m.line
    if (!m.target.startsWith('/')) return `relative target ${m.target}`
    if (m.options.some((o, k) => k > 0 && !(m.options[k - 1] < o))) return `options not a sorted set: ${m.options}`
    if (m.options.filter((o) => o === 'ro' || o === 'rw').join() !== (m.readonly ? 'ro' : 'rw')) return `ro/rw: ${m.options}`
    if (t.format !== 'mountinfo' && (m.id !== m.seq || (m.parent !== null && m.parent >= m.seq))) return `BSD id/parent at ${i}`
    // parents exist and lead to a root in fewer than n steps
    let p = m.parent
    for (let steps = 0; p !== null; steps++) {
      if (steps >= t.mounts.length || !ids.has(p)) return `parent chain of ${m.id} broken`
      p = ids.get(p)?.parent ?? null
    }
  }
  return undefined
}

/** Asserts the only outcomes: a table that keeps every invariant, or a MountTableError naming source and line. */
function parsesOrRejects(text: string): 'table' | 'error' {
  let t: MountTable
  try {
    t = parseMountTable(text, {source: 'fuzz'})
  } catch (error) {
    if (!(error instanceof MountTableError) || error.code !== 'MOUNTTABLE_PARSE' || !/^fuzz:\d+: /.test(error.message)) {
      expect.fail(`unexpected error: ${String(error)}`)
    }
    return 'error'
  }
  const broken = brokenInvariant(t)
  if (broken !== undefined) expect.fail(broken)
  return 'table'
}

/** Text pieces that reach deep into the three grammars. */
const piece = fc.oneof(
  fc.string({unit: 'binary', maxLength: 8}),
  fc.constantFrom(' on ', ' on /', ' (', ')', ', ', 'read-only', 'mounted by ', '/build/SL00', ' - ', '\t', '\n', '\r\n', ' ', '\\040', '\\3', '1', '42', ':', '0:5', 'shared:1'),
)
const grammarish = fc.array(piece, {maxLength: 40}).map((a) => a.join(''))

/** One edit of a real table. */
const mutation = fc.oneof(
  fc.record({kind: fc.constant('delete' as const), at: fc.nat(), len: fc.nat(40)}),
  fc.record({kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({unit: 'binary', maxLength: 10}), piece)}),
  fc.record({kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat()}),
  fc.record({kind: fc.constant('dupLine' as const), a: fc.nat()}),
)
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n')
  switch (m.kind) {
    case 'delete': {
      const at = m.at % (text.length + 1)
      return text.slice(0, at) + text.slice(at + m.len)
    }
    case 'insert': {
      const at = m.at % (text.length + 1)
      return text.slice(0, at) + m.text + text.slice(at)
    }
    case 'swapLines': {
      const [a, b] = [m.a % lines.length, m.b % lines.length]
      ;[lines[a], lines[b]] = [lines[b], lines[a]]
      return lines.join('\n')
    }
    case 'dupLine': {
      const a = m.a % lines.length
      lines.splice(a, 0, lines[a])
      return lines.join('\n')
    }
  }
}

describe('parseMountTable: property tests (only typed errors, never a hang)', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({unit: 'binary', maxLength: 200}), (text) => void parsesOrRejects(text)), {numRuns})
  })

  it('strings made of grammar pieces', () => {
    fc.assert(fc.property(grammarish, (text) => void parsesOrRejects(text)), {numRuns})
  })

  it('real tables with random edits', () => {
    const edited = fc.tuple(fc.constantFrom(...FIXTURES), fc.array(mutation, {minLength: 1, maxLength: 6}))
    fc.assert(fc.property(edited, ([text, ms]) => void parsesOrRejects(ms.reduce(mutate, text))), {numRuns})
  })

  it('BSD tables stay valid tables when lines are duplicated (stacking) or swapped', () => {
    const lineEdit = mutation.filter((m) => m.kind === 'swapLines' || m.kind === 'dupLine')
    const shuffled = fc.tuple(fc.constantFrom(...FIXTURES.slice(0, 3)), fc.array(lineEdit, {maxLength: 6}))
    fc.assert(fc.property(shuffled, ([text, ms]) => parsesOrRejects(ms.reduce(mutate, text)) === 'table'), {numRuns})
  })

  it('parses 1,000,000 lines of BSD mount output in a few seconds', function () {
    this.timeout(60_000)
    const slot = fixture('seed-tripled.txt').split('\n').slice(6, 28)
    const lines: string[] = []
    for (let s = 0; lines.length < 1_000_000; s++) for (const l of slot) lines.push(l.replaceAll('/build/SL00', `/build/SL${s}`))
    const text = lines.slice(0, 1_000_000).join('\n')
    const t0 = performance.now()
    const t = parseMountTable(text)
    const ms = performance.now() - t0
    expect(t.mounts).to.have.length(1_000_000)
    expect(t.mounts[999_999].parent).to.equal(Math.floor(999_999 / 22) * 22)
    expect(ms, `${Math.round(ms)} ms`).to.be.below(10_000)
  })

  it('stays linear on adversarial lines: long runs of blanks, ` on `, escapes and path components', () => {
    // [text that once could have gone quadratic]
    const texts = [
      'a' + ' '.repeat(200_000) + 'b',
      'a on /' + ' on /'.repeat(50_000) + ' (x)',
      'a on /' + '\\040'.repeat(100_000) + ' (x)',
      Array.from({length: 20}, () => `tmpfs on ${'/x'.repeat(50_000)} (tmpfs)`).join('\n'),
      '1 1 0:1 / /' + ' a'.repeat(100_000),
    ]
    for (const text of texts) {
      const t0 = performance.now()
      parsesOrRejects(text.trim())
      expect(performance.now() - t0).to.be.below(2000)
    }
  })
})
