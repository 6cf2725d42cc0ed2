import {readFileSync} from 'node:fs'
import type {DoctorFacts, HostFacts, SlotHolder} from '../../src/doctor/types.js'
import type {DesiredState} from '../../src/layout/types.js'
import {parseMountTable} from '../../src/mounttable/parse.js'
import type {MountTable} from '../../src/mounttable/types.js'
import {templateEntries} from '../../src/platform/template.js'
import {diffSlots} from '../../src/plan/diff.js'
import {BSD_HOST, bsd, bsdLine, desired, layer, layerAt} from '../plan/tables.js'

/**
 * Builders of doctor facts without any I/O, so that a case is a table plus a few host facts:
 * `facts(D2, extraSlots(), {host: {holders: [holder('SL01', 4242)]}})`.
 */

/** The seed report: SL00 mounted three times, 8 builders, build base /build (DragonFly `mount` output). */
export const SEED: MountTable = parseMountTable(readFileSync(new URL('../fixtures/mounttables/seed-tripled.txt', import.meta.url), 'utf8'),
  {source: 'seed-tripled.txt'})

/** The seed report's desired state (8 DragonFly slots under /build). */
export const D8: DesiredState = desired('dragonfly')

/** Two slots of the seed configuration. */
export const D2: DesiredState = desired('dragonfly', {builders: 2})

/** A clean table: every slot of `d` mounted once. */
export function cleanTable(d: DesiredState): MountTable {
  return bsd(BSD_HOST, ...d.slots.map((s) => layer(d, s.name)))
}

/** After lowering Number_of_builders from 4 to 2: SL00, SL01 fine, SL02 and SL03 still mounted. */
export function extraSlots(d: DesiredState = D2): MountTable {
  return bsd(BSD_HOST, layer(d, 'SL00'), layer(d, 'SL01'), layerAt(d, 'SL02'), layerAt(d, 'SL03'))
}

/**
 * Foreign and wrong mounts: a USB stick mounted inside SL00 (with a tmpfs on top of it), SL01's /xports from the
 * wrong ports tree, its /options read-only, and its /distfiles missing.
 */
export function foreignMounts(d: DesiredState = D2): MountTable {
  const sl01 = layer(d, 'SL01', {edit: (m, line) => m.path === '/xports' ? bsdLine('/usr/ports', m.target, 'null', true)
    : m.path === '/options' ? bsdLine(m.source, m.target, 'null', true) : m.path === '/distfiles' ? null : line})
  return bsd(BSD_HOST, layer(d, 'SL00'), '/dev/da0s1 on /build/SL00/mnt/usb (msdosfs, local)', 'tmpfs on /build/SL00/mnt/usb/tmp (tmpfs, local)', sl01)
}

/** A process holding a slot. */
export function holder(slot: string, pid: number, how: SlotHolder['how'] = ['cwd'], command = 'sleep 600'): SlotHolder {
  return {pid, user: 'root', command, how, path: `/build/${slot}/construction`, slot}
}

/** Host facts with nothing wrong for `d`: every directory there, no lock, complete Template, slot dirs mounted. */
export function healthyHost(d: DesiredState, table: MountTable): HostFacts {
  const dirs: [string, string, boolean][] = [['Directory_packages', '/build/synth/live_packages', true],
    ['Directory_repository', '/build/synth/live_packages/All', false], ['Directory_portsdir', '/build/synth/dports', true],
    ['Directory_options', '/build/synth/options', true], ['Directory_distfiles', '/build/synth/distfiles', true],
    ['Directory_buildbase', '/build', false], ['Directory_logs', '/build/synth/logs', false], ['Directory_system', '/', true]]
  const slotNames = new Set([...d.slots.map((s) => s.name),
    ...table.mounts.map((m) => /^\/build\/(SL\d{2,})(\/|$)/.exec(m.target)?.[1]).filter((n): n is string => n !== undefined)])
  return {
    directories: dirs.map(([key, path, mountSource]) => ({key, path, resolved: path, mountSource, kind: 'directory'})),
    buildBase: {configured: '/build', resolved: '/build', exists: true},
    holders: [],
    lock: {state: 'none'},
    tempFiles: [],
    slotDirs: [...slotNames].sort().map((name) => {
      const dir = `/build/${name}`
      return {name, path: dir, kind: 'directory', mounted: table.mounts.some((m) => m.target === dir || m.target.startsWith(dir + '/')),
        rootMounted: table.mounts.some((m) => m.target === dir), files: 0, dirs: 0, sample: [], truncated: false}
    }),
    template: {path: '/build/Template', dir: true, marker: true, missing: []},
    lastRun: null,
    unpopulated: [],
  }
}

/** How a case's facts differ from the defaults. */
export interface FactOptions {
  /** Host facts to replace; null for a captured table (`--mounts`). */
  host?: Partial<HostFacts> | null
  savedPlans?: DoctorFacts['savedPlans']
  /** No dsynth.ini: built-in defaults. */
  defaults?: boolean
}

/** Doctor facts of a table against a desired state, with healthy host facts unless replaced. */
export function facts(d: DesiredState, table: MountTable, o: FactOptions = {}): DoctorFacts {
  return {
    platform: d.platform,
    config: {file: o.defaults ? null : '/usr/local/etc/dsynth/dsynth.ini', profile: 'LiveSystem', builders: d.slots.length,
      buildersSource: o.defaults ? 'cpu' : 'config'},
    desired: d, table, plan: diffSlots(d, table, {mode: 'apply', slotFilter: null}),
    savedPlans: o.savedPlans ?? [],
    host: o.host === null ? null : {...healthyHost(d, table), ...o.host},
  }
}

/** Every entry a complete Template has on the platform of `d`. */
export function templateFor(d: DesiredState): string[] {
  return templateEntries(d.platform)
}
