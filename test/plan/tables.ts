import {parseConfig} from '../../src/config/parse.js'
import type {Config, PlatformName} from '../../src/config/types.js'
import {computeDesiredState} from '../../src/layout/slots.js'
import type {DesiredState, MountSpec} from '../../src/layout/types.js'
import {parseMountTable} from '../../src/mounttable/parse.js'
import type {MountTable} from '../../src/mounttable/types.js'

/**
 * Builders of configurations and mount tables for the plan tests, so that a case is a few short lines:
 * `bsd(HOST, layer(d, 'SL00'), layer(d, 'SL00', {only: ['/', '/bin']}))` is a slot with a partial second layer.
 */

/** The keys a case may change; the rest are the seed report's dsynth.ini. */
export interface ConfigOverrides {
  builders?: number
  buildbase?: string
  portsdir?: string
  ccache?: string
  system?: string
}

/** The seed report's dsynth.ini (8 builders, build base /build) with some keys replaced. */
export function iniText(o: ConfigOverrides = {}): string {
  return [
    '[Global Configuration]', 'profile_selected= LiveSystem', '', '[LiveSystem]',
    'Operating_system= DragonFly',
    'Directory_packages= /build/synth/live_packages',
    'Directory_repository= /build/synth/live_packages/All',
    `Directory_portsdir= ${o.portsdir ?? '/build/synth/dports'}`,
    'Directory_options= /build/synth/options',
    'Directory_distfiles= /build/synth/distfiles',
    `Directory_buildbase= ${o.buildbase ?? '/build'}`,
    'Directory_logs= /build/synth/logs',
    `Directory_ccache= ${o.ccache ?? 'disabled'}`,
    `Directory_system= ${o.system ?? '/'}`,
    `Number_of_builders= ${o.builders ?? 8}`,
    '',
  ].join('\n')
}

/** A parsed Config of `iniText(o)`. */
export function config(o: ConfigOverrides = {}): Config {
  return parseConfig(iniText(o), {file: 'dsynth.ini', cpuCount: 8})
}

/** The desired state of `config(o)` on a platform, with the build base as configured (no realpath in tests). */
export function desired(platform: PlatformName, o: ConfigOverrides = {}, hasUsrSrc = false): DesiredState {
  const c = config(o)
  return computeDesiredState(c, platform, c.directories.buildbase, {hasUsrSrc})
}

/** The seed fixture's host mounts (DragonFly `mount` output), none of them ours. */
export const BSD_HOST: readonly string[] = [
  '/dev/serno/QM00001.s1d on / (hammer2, local)',
  'devfs on /dev (devfs, nosymfollow, local)',
  '/dev/serno/QM00001.s1a on /boot (ufs, local)',
  '@LOCAL on /var (hammer2, local)',
  'procfs on /proc (procfs, local)',
  'tmpfs on /tmp (tmpfs, local)',
]

/** One line of BSD `mount` output; `read-only` is added for ro mounts, `local` last as recent DragonFly prints it. */
export function bsdLine(source: string, target: string, fstype: string, ro = false): string {
  return `${source} on ${target} (${fstype}${ro ? ', read-only' : ''}, local)`
}

/** How a generated layer differs from the layout. */
export interface LayerOptions {
  /** Only these slot paths (`/`, `/bin`...), in layout order; default every mount of the layout. */
  only?: readonly string[]
  /** Change single mounts: return a replacement line, or null to leave the mount out. */
  edit?: (m: MountSpec, line: string) => string | null
}

/** One layer of a slot as BSD `mount` prints it: the slot's layout mounts, in layout order. */
export function layer(d: DesiredState, slot: string, opts: LayerOptions = {}): string[] {
  const spec = d.slots.find((s) => s.name === slot)
  if (!spec) throw new Error(`test table: ${slot} is not in the desired state`)
  const out: string[] = []
  for (const m of spec.mounts) {
    if (opts.only && !opts.only.includes(m.path)) continue
    const line = bsdLine(m.source, m.target, m.fstype, m.readonly)
    const edited = opts.edit ? opts.edit(m, line) : line
    if (edited !== null) out.push(edited)
  }
  return out
}

/**
 * A slot of any index as BSD `mount` prints it, also beyond the desired state (for extra slots):
 * the layout of SL00 moved to `<base>/<slot>`.
 */
export function layerAt(d: DesiredState, slot: string, opts: LayerOptions = {}): string[] {
  const from = `${d.buildBase}/${d.slots[0].name}`
  const to = `${d.buildBase}/${slot}`
  return layer(d, d.slots[0].name, opts).map((l) => l.replace(` on ${from}`, ` on ${to}`))
}

/** Parses BSD `mount` lines (arrays are flattened) into a table. */
export function bsd(...parts: ReadonlyArray<string | readonly string[]>): MountTable {
  return parseMountTable(parts.flat().join('\n') + '\n', {source: 'test'})
}

/** A mount of a Linux mountinfo table under construction. */
export interface InfoMount {
  parent: number
  dev: string
  root: string
  target: string
  fstype: string
  source: string
  ro?: boolean
}

/**
 * Builds Linux mountinfo text: the host is `/` on 254:0 (ext4), devtmpfs `/dev`, `/proc`, and optionally a
 * separate `/build` filesystem on 254:16. `add` returns the new mount's id, for children.
 */
export class Mountinfo {
  readonly lines: string[] = []
  /** Id of the host root filesystem. */
  readonly rootId = 21
  private nextId = 100
  private anon = 40

  constructor(opts: {separateBuild?: boolean} = {}) {
    this.lines.push(
      `21 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro`,
      `22 21 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=4000000k,mode=755`,
      `23 21 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw`,
    )
    if (opts.separateBuild) this.lines.push(`24 21 254:16 / /build rw,relatime shared:30 - ext4 /dev/vdb rw`)
  }

  /** Id of the host mount at /build when it is a separate filesystem, else of `/`. */
  get buildId(): number {
    return this.lines.some((l) => l.startsWith('24 ')) ? 24 : this.rootId
  }

  /** Appends a mount line and returns its id. */
  add(m: InfoMount): number {
    const id = this.nextId++
    this.lines.push(`${id} ${m.parent} ${m.dev} ${m.root} ${m.target} ${m.ro ? 'ro' : 'rw'},relatime - ${m.fstype} ${m.source} rw`)
    return id
  }

  /**
   * Mounts one layer of a slot the way the kernel shows a correct Linux slot: tmpfs/proc on anonymous devices, binds
   * with the (dev, root) of the host filesystem holding the source (`/build/...` on 254:16 when separate, else 254:0).
   */
  slot(d: DesiredState, slot: string, opts: {edit?: (m: MountSpec, info: InfoMount) => InfoMount | null} = {}): void {
    const spec = d.slots.find((s) => s.name === slot)!
    let rootId = this.buildId
    for (const m of spec.mounts) {
      const parent = m.path === '/' ? this.buildId : rootId
      let info: InfoMount
      if (m.fstype === 'bind') {
        const onBuild = this.buildId === 24 && (m.source === '/build' || m.source.startsWith('/build/'))
        info = {parent, dev: onBuild ? '254:16' : '254:0', root: onBuild ? m.source.slice('/build'.length) : m.source,
          target: m.target, fstype: 'ext4', source: onBuild ? '/dev/vdb' : '/dev/vda1', ro: m.readonly}
      } else {
        info = {parent, dev: `0:${this.anon++}`, root: '/', target: m.target, fstype: m.fstype, source: m.source, ro: m.readonly}
      }
      const edited = opts.edit ? opts.edit(m, info) : info
      if (edited === null) continue
      const id = this.add(edited)
      if (m.path === '/') rootId = id
    }
  }

  /** The table parsed. */
  table(): MountTable {
    return parseMountTable(this.lines.join('\n') + '\n', {source: 'test'})
  }
}
