import {expect} from 'chai'
import fc from 'fast-check'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {parseConfig} from '../../../src/config/parse.js'
import type {Config, PlatformName} from '../../../src/config/types.js'
import {isDsynthError, MountTableError} from '../../../src/errors.js'
import {computeDesiredState} from '../../../src/layout/slots.js'
import type {DesiredState} from '../../../src/layout/types.js'
import {formatMountLine, parseMountTable} from '../../../src/mounttable/parse.js'
import type {Mount, MountTable, MountTableFormat} from '../../../src/mounttable/types.js'
import {diffSlots} from '../../../src/plan/diff.js'
import type {Plan} from '../../../src/plan/types.js'
import {isAtOrBelow, normalizeAbs} from '../../../src/util/paths.js'
import {REPO} from '../../helpers/namespace.js'
import {iniText} from '../../plan/tables.js'

/**
 * Property tests over the two kinds of text dsynth reads: dsynth.ini and mount tables (BSD `mount`, `mount -p`,
 * Linux mountinfo). Random, grammar-built and mutated real inputs must give a value or a typed DsynthError, never a
 * crash or a hang; and no plan computed from any parsed table, for any configuration, ever targets a path outside
 * `<build base>/SLnn`.
 */

/** Hostile fragments: shell syntax, quotes, comment characters, escapes, control characters, long runs. */
const HOSTILE = ['$(touch /tmp/pwned)', '`id`', ';', ' ; ', '#', '"', "'", '\\', '\\040', '\u0000', '\t', '\r', '\n', '=', '[', ']',
  '[LiveSystem]', '[Global Configuration]', '..', '/..', '/../..', '//', '/./', ' ', 'é', '\uFEFF', 'x'.repeat(300), '/'.repeat(50)]

/** One edit of a text: delete, insert (random or hostile), duplicate or swap lines. */
const edit = fc.oneof(
  fc.record({kind: fc.constant('delete' as const), at: fc.nat(), len: fc.nat(30)}),
  fc.record({kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({unit: 'binary', maxLength: 12}), fc.constantFrom(...HOSTILE))}),
  fc.record({kind: fc.constant('dupLine' as const), a: fc.nat()}),
  fc.record({kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat()}),
)
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never

/** Applies one edit. */
export function applyEdit(text: string, e: Edit): string {
  const lines = text.split('\n')
  switch (e.kind) {
    case 'delete': { const at = e.at % (text.length + 1); return text.slice(0, at) + text.slice(at + e.len) }
    case 'insert': { const at = e.at % (text.length + 1); return text.slice(0, at) + e.text + text.slice(at) }
    case 'dupLine': { const a = e.a % lines.length; lines.splice(a, 0, lines[a]); return lines.join('\n') }
    case 'swapLines': {
      const [a, b] = [e.a % lines.length, e.b % lines.length]
      ;[lines[a], lines[b]] = [lines[b], lines[a]]
      return lines.join('\n')
    }
  }
}

/** Runs `f`, failing on anything thrown that is not a DsynthError (of `type`, when given) and on a run over `ms`. */
function onlyTyped<T>(f: () => T, what: string, type?: new (...a: never[]) => Error, ms = 2000): T | null {
  const t0 = performance.now()
  try {
    return f()
  } catch (e) {
    if (!isDsynthError(e) || (type && !(e instanceof type))) throw new Error(`${what}: untyped error ${(e as Error)?.stack ?? String(e)}`)
    return null
  } finally {
    const took = performance.now() - t0
    if (took > ms) throw new Error(`${what}: took ${Math.round(took)} ms`)
  }
}

/** The texts of the files in these fixture directories (relative to the repository) that `keep` accepts. */
function fixtures(dirs: string[], keep: (file: string) => boolean): string[] {
  return dirs.flatMap((d) => readdirSync(path.join(REPO, d)).filter(keep).map((f) => readFileSync(path.join(REPO, d, f), 'utf8')))
}

/** Every config text the suite mutates: the fixtures (hostile ones too), the Linux demo and the plan tests' seed file. */
function configSeeds(): string[] {
  return [...fixtures(['test/fixtures/config', 'test/fixtures/hostile'], (f) => f.endsWith('.ini')),
    readFileSync(path.join(REPO, 'examples/linux-demo.ini'), 'utf8'), iniText(), iniText({builders: 2, buildbase: '/usr/obj/dsynth'})]
}

/** Every mount table text the suite mutates (hostile ones too). */
function tableSeeds(): string[] {
  return fixtures(['test/fixtures/mounttables', 'test/fixtures/hostile'], (f) => !f.endsWith('.md') && !f.endsWith('.ini'))
}

/** The first way `plan` breaks the no-escape rule, or null. */
export function escapes(plan: Plan, d: DesiredState): string | null {
  const layout = new Set(d.slots.flatMap((s) => s.mounts.map((m) => m.target)))
  for (const c of plan.changes) {
    if (!/^SL\d{2,}$/.test(c.slot)) return `bad slot name ${c.slot}`
    if (normalizeAbs(c.target) !== c.target) return `${c.action} of a non-canonical path ${c.target}`
    if (!isAtOrBelow(c.target, `${d.buildBase}/${c.slot}`)) return `${c.action} ${c.target} is outside ${d.buildBase}/${c.slot}`
    if (c.action !== 'unmount' && !layout.has(c.target)) return `${c.action} ${c.target} is not in the layout`
  }
  return null
}

/** Build bases to plan for: plain, deep, prefix-sharing with siblings, with a space, and a relative-looking one. */
const BASES = ['/build', '/build/SL00', '/usr/obj/dsynth', '/b', '/tmp/a b', '/build-old', '/x/SL01/y']

/** Mount points near a build base: siblings sharing a prefix, non-slot names, non-canonical spellings, the layout. */
function targetPool(d: DesiredState): string[] {
  const b = d.buildBase
  return [b, `${b}-old`, `${b}old/SL00`, `${b}/SL0`, `${b}/SL1`, `${b}/SL10`, `${b}/SL00`, `${b}/SL007`, `${b}/SL99999/x`, `${b}/sl01`,
    `${b}/Template`, `${b}/SL00/../../etc`, `${b}/SL01/..`, `${b}/SL01/./usr`, `${b}//SL02`, `${b}/SL03/`, `${b}/SL00 x`, `${b}/SL00/usr/local/x y`,
    '/', '/usr', '/etc', '/dev', path.posix.dirname(b), ...d.slots.flatMap((s) => s.mounts.map((m) => m.target))]
}

/** A random table near the build base, rendered in `format` by the project's own formatter. */
function nearTable(d: DesiredState, format: MountTableFormat): fc.Arbitrary<string> {
  const pool = targetPool(d)
  const mount = fc.record({
    target: fc.constantFrom(...pool),
    fstype: fc.constantFrom('tmpfs', 'null', 'nullfs', 'devfs', 'procfs', 'proc', 'ext4', 'hammer2'),
    source: fc.constantFrom('tmpfs', '/usr/bin', '/build/synth/dports', '/dev/vda1', 'proc', 'a b', '/'),
    readonly: fc.boolean(),
    root: fc.constantFrom('/', '/usr/bin', '/build/synth'),
    parentPick: fc.nat(),
  })
  return fc.array(mount, {maxLength: 60}).map((ms) => {
    const lines = ['21 1 254:0 / / rw - ext4 /dev/vda1 rw']
    const ids = [21]
    if (format !== 'mountinfo') lines.length = 0
    ms.forEach((m, i) => {
      const id = 100 + i
      const parent = ids[m.parentPick % ids.length]
      ids.push(id)
      const full: Mount = {seq: i, id, parent, source: m.source, target: m.target, fstype: m.fstype, root: m.root, dev: `0:${id}`,
        options: [m.readonly ? 'ro' : 'rw', 'local'], readonly: m.readonly, line: i + 1}
      lines.push(formatMountLine(full, format))
    })
    return lines.join('\n') + '\n'
  })
}

const FORMAT_PLATFORMS: Record<MountTableFormat, PlatformName[]> = {'bsd-mount': ['dragonfly', 'freebsd'], 'bsd-mount-p': ['freebsd', 'dragonfly'], mountinfo: ['linux']}

/** A configuration for a build base, and its desired state. */
function desiredFor(platform: PlatformName, base: string, builders: number): DesiredState {
  const c: Config = parseConfig(iniText({builders, buildbase: '/build'}), {file: 'p.ini', cpuCount: 4})
  return computeDesiredState(c, platform, base, {hasUsrSrc: builders % 2 === 0})
}

/** Defines the suite with `runs` inputs per property. */
export function definePropertySuite(runs: number): void {
  describe(`property tests: ${runs} random and mutated inputs per property, only typed errors, no action outside <base>/SLnn`, function () {
    this.timeout(Math.max(60_000, runs * 60))
    const seeds = configSeeds()

    it('dsynth.ini: random text gives a Config or a ConfigError', () => {
      fc.assert(fc.property(fc.string({unit: 'binary', maxLength: 600}), (text) => {
        onlyTyped(() => parseConfig(text, {file: 'fuzz.ini', cpuCount: 4}), 'parseConfig')
      }), {numRuns: runs})
    })

    it('dsynth.ini: real files with random and hostile edits give a Config that keeps its invariants, or a ConfigError', () => {
      let accepted = 0
      const arb = fc.tuple(fc.constantFrom(...seeds), fc.array(edit, {minLength: 1, maxLength: 8}), fc.option(fc.constantFrom('LiveSystem', 'Other', 'x'), {nil: undefined}))
      fc.assert(fc.property(arb, ([text, edits, profile]) => {
        const c = onlyTyped(() => parseConfig(edits.reduce(applyEdit, text), {file: 'fuzz.ini', cpuCount: 4, profile}), 'parseConfig')
        if (c === null) return
        accepted++
        for (const dir of Object.values(c.directories)) {
          if (dir === null) continue
          // a value is one token: never a space, never a control character; always absolute and normalised
          if (dir !== normalizeAbs(dir) || !dir.startsWith('/') || /[\s\u0000-\u001f]/.test(dir)) throw new Error(`bad directory ${JSON.stringify(dir)}`)
        }
        expect(c.builders).to.be.within(1, 1024)
      }), {numRuns: runs})
      expect(accepted, 'too few accepted files for the property to mean much').to.be.greaterThan(runs / 50)
    })

    it('mount tables: random text and real tables of all three formats with random edits give a table or a MountTableError, and plan inside the slots', () => {
      const tables = tableSeeds()
      const arb = fc.tuple(fc.oneof(fc.string({unit: 'binary', maxLength: 300}),
        fc.tuple(fc.constantFrom(...tables), fc.array(edit, {minLength: 1, maxLength: 8})).map(([t, es]) => es.reduce(applyEdit, t))),
      fc.integer({min: 1, max: 10}))
      fc.assert(fc.property(arb, ([text, builders]) => {
        const table = onlyTyped(() => parseMountTable(text, {source: 'fuzz'}), 'parseMountTable', MountTableError)
        if (table === null) return
        const d = desiredFor(FORMAT_PLATFORMS[table.format][0], '/build', builders)
        for (const mode of ['apply', 'destroy'] as const) {
          const bad = escapes(diffSlots(d, table, {mode, slotFilter: null}), d)
          if (bad !== null) throw new Error(`${mode}: ${bad}`)
        }
      }), {numRuns: runs})
    })

    for (const format of ['bsd-mount', 'bsd-mount-p', 'mountinfo'] as const) {
      it(`${format}: tables near the build base (prefix siblings, non-slot names, .. and //) never plan an action outside <base>/SLnn`, () => {
        let planned = 0
        const arb = fc.tuple(fc.constantFrom(...BASES), fc.integer({min: 1, max: 12}), fc.constantFrom(...FORMAT_PLATFORMS[format]))
          .chain(([base, builders, platform]) => {
            const d = desiredFor(platform, base, builders)
            return fc.tuple(fc.constant(d), nearTable(d, format), fc.array(edit, {maxLength: 2}), fc.option(fc.constantFrom(['SL00'], ['SL01', 'SL10']), {nil: null}))
          })
        fc.assert(fc.property(arb, ([d, text, edits, filter]) => {
          const table: MountTable | null = onlyTyped(() => parseMountTable(edits.reduce(applyEdit, text), {source: 'fuzz'}), 'parseMountTable', MountTableError)
          if (table === null) return
          for (const mode of ['apply', 'destroy'] as const) {
            const plan = onlyTyped(() => diffSlots(d, table, {mode, slotFilter: filter === null ? null : [...filter]}), 'diffSlots')
            if (plan === null) throw new Error('diffSlots threw a typed error on a parsed table')
            planned += plan.changes.length
            const bad = escapes(plan, d)
            if (bad !== null) throw new Error(`${mode} on ${d.buildBase}: ${bad}`)
          }
        }), {numRuns: runs})
        expect(planned, 'the generated tables must make the planner act').to.be.greaterThan(runs)
      })
    }
  })
}
