/**
 * Item 6: the plan core (parse + diff) on synthetic tables of 1k to 1M lines, in DragonFly `mount` format and
 * Linux mountinfo. In-process, no mounts. Sizes are measured alternately; small sizes repeat the work inside a
 * sample so that every sample lasts long enough to time.
 */
import {performance} from 'node:perf_hooks'
import v8 from 'node:v8'
import vm from 'node:vm'
import {defaultConfig} from '../../src/config/defaults.js'
import type {Config, PlatformName} from '../../src/config/types.js'
import {computeDesiredState} from '../../src/layout/slots.js'
import type {DesiredState} from '../../src/layout/types.js'
import {formatMountLine, parseMountTable} from '../../src/mounttable/parse.js'
import type {Mount, MountTableFormat} from '../../src/mounttable/types.js'
import {diffSlots} from '../../src/plan/diff.js'
import {type Case, alternate, median, round} from './stats.js'
import type {Goal, ItemResult} from '../run.js'

export interface PlanCoreOptions {
  quick: boolean
  warmup: number
  runs: number
  log: (s: string) => void
  goal: (name: string, value: number, op: Goal['op'], limit: number, unit?: string) => number
}

const BASE = '/build'
const FORMATS: {format: MountTableFormat; platform: PlatformName; label: string}[] = [
  {format: 'bsd-mount', platform: 'dragonfly', label: 'bsd'},
  {format: 'mountinfo', platform: 'linux', label: 'mountinfo'},
]

/** A synthetic table of exactly `lines` lines and the desired state it is planned against. */
export interface Synthetic {
  text: string
  desired: DesiredState
  lines: number
  slots: number
  builders: number
}

function mount(p: Partial<Mount> & Pick<Mount, 'source' | 'target' | 'fstype'>): Mount {
  return {seq: 0, id: 0, parent: null, root: '/', dev: '', options: ['rw'], readonly: false, line: 0, ...p}
}

/**
 * `lines` lines: a few host mounts; S slots of the platform's layout, where every 10th slot is stacked a second
 * time and the upper half of the slots are extra (the configuration asks for S/2 builders); padded to the exact
 * size with unrelated host mounts. The plan unmounts the stacks and the extra slots and mounts nothing.
 */
export function syntheticTable(lines: number, format: MountTableFormat, platform: PlatformName): Synthetic {
  const linux = format === 'mountinfo'
  const perSlot = computeDesiredState({...defaultConfig(1), builders: 1}, platform, BASE, {hasUsrSrc: false}).slots[0].mounts.length
  const host: Mount[] = linux
    ? [mount({id: 1, parent: 1, source: '/dev/vda', target: '/', fstype: 'ext4', dev: '254:0', options: ['relatime', 'rw']}),
      mount({id: 2, parent: 1, source: 'proc', target: '/proc', fstype: 'proc', dev: '0:5'}),
      mount({id: 3, parent: 1, source: 'udev', target: '/dev', fstype: 'devtmpfs', dev: '0:6'})]
    : [mount({source: '/dev/serno/QM00001.s1d', target: '/', fstype: 'hammer2', options: ['local', 'rw']}),
      mount({source: 'devfs', target: '/dev', fstype: 'devfs', options: ['local', 'rw']}),
      mount({source: 'procfs', target: '/proc', fstype: 'procfs', options: ['local', 'rw']})]
  const slots = Math.max(2, Math.floor((lines - host.length) / (perSlot * 1.1)))
  const builders = Math.ceil(slots / 2)
  const config: Config = {...defaultConfig(1), builders: slots}
  const layout = computeDesiredState(config, platform, BASE, {hasUsrSrc: false})
  const out: string[] = host.map((m) => formatMountLine(m, format))
  let id = 100
  let dev = 100
  const layer = (slot: (typeof layout.slots)[number], below: number): void => {
    let root = 0
    for (const s of slot.mounts) {
      const m = mount({id: id++, source: s.source, target: s.target, fstype: s.fstype, readonly: s.readonly,
        options: [s.readonly ? 'ro' : 'rw', linux ? 'relatime' : 'local']})
      if (s.path === '/') root = m.id
      if (linux) {
        m.parent = s.path === '/' ? below : root
        if (s.fstype === 'bind') Object.assign(m, {fstype: 'ext4', source: '/dev/vda', dev: '254:0', root: s.source})
        else m.dev = s.fstype === 'proc' ? '0:5' : `0:${dev++}`
      }
      out.push(formatMountLine(m, format))
    }
  }
  for (const slot of layout.slots) {
    layer(slot, 1)
    if (slot.index % 10 === 9 && out.length + perSlot <= lines) layer(slot, id - perSlot)
    if (out.length + perSlot > lines) break
  }
  for (let i = 0; out.length < lines; i++) {
    const m = mount({id: id++, parent: 1, source: `/dev/vdb${i}`, target: `/mnt/host${i}`, fstype: linux ? 'ext4' : 'ufs', dev: `253:${i}`, options: ['rw', linux ? 'relatime' : 'local']})
    out.push(formatMountLine(m, format))
  }
  const desired = computeDesiredState({...config, builders}, platform, BASE, {hasUsrSrc: false})
  return {text: out.slice(0, lines).join('\n') + '\n', desired, lines, slots, builders}
}

/** A full garbage collection, untimed (V8's gc() exposed at run time: the bench runs under tsx, without node flags). */
const collectGarbage: () => void = (() => {
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc') as (() => void) | undefined
  return () => gc?.()
})()

/** parse + diff once; returns [parse ms, diff ms] and the plan's summary. */
function parseAndDiff(s: Synthetic): {parse: number; diff: number; summary: {mount: number; unmount: number; remount: number}} {
  const t0 = performance.now()
  const table = parseMountTable(s.text)
  const t1 = performance.now()
  const plan = diffSlots(s.desired, table, {mode: 'apply', slotFilter: null})
  const t2 = performance.now()
  return {parse: t1 - t0, diff: t2 - t1, summary: plan.summary}
}

export function benchPlanCore(o: PlanCoreOptions): ItemResult {
  const sizes = o.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000, 1_000_000]
  const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`)
  const result: Record<string, unknown> = {}
  const ratios: Record<string, number> = {}
  const medians: Record<string, number> = {}
  const runs: Record<string, number[]> = {}
  for (const f of FORMATS) {
    o.log(`planCore: ${f.label}, sizes ${sizes.map(label).join(' ')}, ${o.warmup} warm-up + ${o.runs} runs`)
    const tables = sizes.map((n) => syntheticTable(n, f.format, f.platform))
    const parts: Record<string, {parse: number[]; diff: number[]}> = {}
    const cases: Case[] = tables.map((t) => {
      const name = label(t.lines)
      parts[name] = {parse: [], diff: []}
      // repeat small tables so that a sample covers at least ~200k lines of work (20k with --quick)
      const reps = Math.max(1, Math.round((o.quick ? 20_000 : 200_000) / t.lines))
      // each sample starts from a collected heap: the sizes alternate, and a 100k sample that ran right after a 1M
      // one would otherwise pay for collecting the 1M run's garbage
      return {name, setup: collectGarbage, run: () => {
        let parse = 0
        let diff = 0
        for (let i = 0; i < reps; i++) {
          const r = parseAndDiff(t)
          if (r.summary.mount !== 0 || r.summary.unmount === 0) throw new Error(`unexpected plan for ${name}: ${JSON.stringify(r.summary)}`)
          parse += r.parse
          diff += r.diff
        }
        parts[name].parse.push(parse / reps)
        parts[name].diff.push(diff / reps)
        return (parse + diff) / reps
      }}
    })
    const samples = alternate(cases, {warmup: o.warmup, runs: o.runs}, o.log)
    const perSize: Record<string, unknown> = {}
    for (const t of tables) {
      const name = label(t.lines)
      const ms = median(samples[name])
      const keep = parts[name].parse.length - o.runs
      perSize[name] = {lines: t.lines, slots: t.slots, builders: t.builders, medianMs: round(ms, 3),
        parseMs: round(median(parts[name].parse.slice(keep)), 3), diffMs: round(median(parts[name].diff.slice(keep)), 3),
        linesPerSecond: Math.round(t.lines / (ms / 1000))}
      medians[`${f.label}-${name}`] = round(ms, 3)
      runs[`${f.label}-${name}`] = samples[name].map((x) => round(x, 3))
    }
    for (let i = 1; i < tables.length; i++) {
      const a = tables[i - 1], b = tables[i]
      const r = median(samples[label(b.lines)]) / median(samples[label(a.lines)])
      ratios[`${f.label}-${label(b.lines)}/${label(a.lines)}`] =
        o.goal(`${f.label}: time ${label(b.lines)} ÷ time ${label(a.lines)} (${b.lines / a.lines}× lines)`, r, '<=', 12)
    }
    const hundredK = tables.find((t) => t.lines === 100_000)
    if (hundredK) o.goal(`${f.label}: parse + diff of 100k lines`, median(samples['100k']), '<', 1000, ' ms')
    result[f.label] = perSize
  }
  return {title: 'plan core: parse + diff of synthetic tables', medians, runs, ratios, ...result,
    notes: ['every sample starts after a full garbage collection (untimed)', 'each table: a few host mounts, slots of the layout (every 10th stacked twice, the upper half extra), padded with host mounts',
      'medians are milliseconds per parse + diff']}
}
