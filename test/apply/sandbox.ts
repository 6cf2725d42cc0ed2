import {readFileSync} from 'node:fs'
import {mkdir, mkdtemp, realpath, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parseConfig} from '../../src/config/parse.js'
import type {Config, PlatformName} from '../../src/config/types.js'
import {computeDesiredState} from '../../src/layout/slots.js'
import type {DesiredState} from '../../src/layout/types.js'
import {formatMountLine, parseMountTable} from '../../src/mounttable/parse.js'
import type {Mount} from '../../src/mounttable/types.js'

/**
 * A temporary tree for apply tests: `<root>/sys` holds every system directory a layout null-mounts or binds,
 * `<root>/synth/{dports,options,live_packages,distfiles}` the dsynth directories, `<root>/build` is the build
 * base. The seed report's dsynth.ini is rewritten to point there, so apply finds every source it checks.
 */
export interface Sandbox {
  /** realpath of the temporary directory. */
  root: string
  /** The build base, `<root>/build`. */
  base: string
  /** Directory_system, `<root>/sys`. */
  sys: string
  /** dsynth.ini text with some keys replaced. */
  ini(o?: SandboxConfig): string
  /** Writes dsynth.ini (default `<root>/dsynth.ini`) and returns its path. */
  writeIni(o?: SandboxConfig, file?: string): Promise<string>
  /** The parsed Config. */
  config(o?: SandboxConfig): Config
  /** The desired state (build base as it is, no probing). */
  desired(platform: PlatformName, o?: SandboxConfig): DesiredState
  /** Removes the tree. */
  cleanup(): Promise<void>
}

/** Keys a test may change. */
export interface SandboxConfig {
  builders?: number
  /** Directory_portsdir (default `<root>/synth/dports`). */
  portsdir?: string
}

/** Every system directory of the BSD and Linux layouts. */
const SYSTEM_DIRS = ['/bin', '/sbin', '/lib', '/lib64', '/libexec', '/usr/bin', '/usr/include', '/usr/lib', '/usr/libdata',
  '/usr/libexec', '/usr/sbin', '/usr/share', '/usr/games', '/etc/alternatives']

/** Creates the tree. */
export async function makeSandbox(prefix = 'dsynth-apply-'): Promise<Sandbox> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), prefix)))
  const base = `${root}/build`
  const sys = `${root}/sys`
  for (const d of SYSTEM_DIRS) await mkdir(sys + d, {recursive: true})
  for (const d of ['dports', 'options', 'live_packages/All', 'distfiles', 'logs']) await mkdir(`${root}/synth/${d}`, {recursive: true})
  await mkdir(base, {recursive: true})
  const ini = (o: SandboxConfig = {}) => [
    '[Global Configuration]', 'profile_selected= LiveSystem', '', '[LiveSystem]',
    'Operating_system= DragonFly',
    `Directory_packages= ${root}/synth/live_packages`,
    `Directory_repository= ${root}/synth/live_packages/All`,
    `Directory_portsdir= ${o.portsdir ?? `${root}/synth/dports`}`,
    `Directory_options= ${root}/synth/options`,
    `Directory_distfiles= ${root}/synth/distfiles`,
    `Directory_buildbase= ${base}`,
    `Directory_logs= ${root}/synth/logs`,
    'Directory_ccache= disabled',
    `Directory_system= ${sys}`,
    `Number_of_builders= ${o.builders ?? 2}`,
    '',
  ].join('\n')
  const config = (o: SandboxConfig = {}) => parseConfig(ini(o), {file: `${root}/dsynth.ini`, cpuCount: 4})
  return {
    root, base, sys, ini, config,
    async writeIni(o, file = `${root}/dsynth.ini`) {
      await writeFile(file, ini(o))
      return file
    },
    desired(platform, o) {
      const c = config(o)
      return computeDesiredState(c, platform, c.directories.buildbase, {hasUsrSrc: false})
    },
    cleanup: () => rm(root, {recursive: true, force: true}),
  }
}

const SEED_TEXT = readFileSync(new URL('../fixtures/mounttables/seed-tripled.txt', import.meta.url), 'utf8')

/**
 * The seed report's table (host mounts, then the 22 slot mounts three times on SL00) moved into a sandbox:
 * `/build/SLnn` under its build base, `/build/synth/X` under `<root>/synth`, system sources under `<root>/sys`.
 * Returns mounts (with `seq` positions) for a FakePlatform or a fake kernel table.
 */
export function seedMounts(sb: Sandbox): Mount[] {
  return parseMountTable(SEED_TEXT, {source: 'seed-tripled.txt'}).mounts.map((m) => {
    if (!m.target.startsWith('/build/')) return m
    const target = sb.base + m.target.slice('/build'.length)
    const source = m.source.startsWith('/build/synth/') ? `${sb.root}/synth/${m.source.slice('/build/synth/'.length)}`
      : m.source.startsWith('/') ? sb.sys + m.source : m.source
    return {...m, target, source}
  })
}

/** seedMounts as BSD `mount` text; with `fstype` the null mounts are renamed (`nullfs` for FreeBSD). */
export function seedText(sb: Sandbox, nullType = 'null'): string {
  return seedMounts(sb).map((m) => formatMountLine(m.fstype === 'null' ? {...m, fstype: nullType} : m, 'bsd-mount')).join('\n') + '\n'
}

/** Host mounts of the seed fixture plus extra BSD `mount` lines. */
export function hostPlus(lines: string[]): string {
  const host = SEED_TEXT.split('\n').slice(0, 6)
  return [...host, ...lines].join('\n') + '\n'
}

/** One BSD `mount` line. */
export function bsdLine(source: string, target: string, fstype: string, ro = false): string {
  return `${source} on ${target} (${fstype}${ro ? ', read-only' : ''}, local)`
}

/** The lines of one complete slot of `d` as BSD `mount` prints it, optionally limited to some slot paths. */
export function slotLines(d: DesiredState, slot: string, only?: readonly string[]): string[] {
  const spec = d.slots.find((s) => s.name === slot)
  if (!spec) throw new Error(`sandbox: ${slot} is not in the desired state`)
  return spec.mounts.filter((m) => !only || only.includes(m.path)).map((m) => bsdLine(m.source, m.target, m.fstype, m.readonly))
}

/** The lines of slot `slot` laid out like SL00 of `d` (also for slots beyond Number_of_builders). */
export function slotLinesAt(d: DesiredState, slot: string, only?: readonly string[]): string[] {
  const from = `${d.buildBase}/${d.slots[0].name}`
  return slotLines(d, d.slots[0].name, only).map((l) => l.replace(` on ${from}`, ` on ${d.buildBase}/${slot}`))
}
