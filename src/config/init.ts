import {lstat, mkdir, rename, stat, unlink, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {ConfigError} from '../errors.js'
import {DEFAULT_PROFILE} from './defaults.js'
import {checkResolvedDirectories} from './load.js'
import {parseConfig} from './parse.js'
import type {Directories, PlatformName} from './types.js'

/** `Operating_system` value C dsynth expects for each platform (its kern.ostype). */
export const OPERATING_SYSTEM_NAMES: Readonly<Record<PlatformName, string>> = {
  dragonfly: 'DragonFly',
  freebsd: 'FreeBSD',
  linux: 'Linux',
}

/** The `<Profile>-make.conf` C dsynth's init writes: commented examples only. */
export const MAKE_CONF_TEXT =
  '#\n' +
  '# Various dports options that might be of interest\n' +
  '#\n' +
  '#LICENSES_ACCEPTED=      NONE\n' +
  '#DISABLE_LICENSES=       yes\n' +
  '#DEFAULT_VERSIONS=       ssl=openssl\n' +
  '#FORCE_PACKAGE=          yes\n' +
  '#DPORTS_BUILDER=         yes\n' +
  '#\n' +
  '# Turn these on to generate debug binaries.  However, these\n' +
  '# options will seriously bloat memory use and storage use,\n' +
  '# do not use lightly\n' +
  '#\n' +
  '#STRIP=\n' +
  '#WITH_DEBUG=yes\n'

/** Where C dsynth's init puts every directory. */
export const DEFAULT_SYNTH_DIR = '/build/synth'

/** Options of renderInitFile. */
export interface RenderInitOptions {
  /** Decides `Operating_system`. */
  platform: PlatformName
  /** Replaces `Directory_buildbase` only; the other directories stay under synthDir. */
  buildBase?: string
  /** Parent of every directory the file names (default /build/synth, as C writes). */
  synthDir?: string
  /** Profile to select and define (default LiveSystem). */
  profile?: string
}

/** The dsynth.ini text C dsynth's `init` writes (dsynth.md §1.4), with the platform's OS name and optional build base. */
export function renderInitFile(opts: RenderInitOptions): string {
  const profile = opts.profile ?? DEFAULT_PROFILE
  const root = (opts.synthDir ?? DEFAULT_SYNTH_DIR).replace(/\/+$/, '')
  return [
    '; This Synth configuration file is automatically generated',
    '; Take care when hand editing!',
    '',
    '[Global Configuration]',
    `profile_selected= ${profile}`,
    '',
    `[${profile}]`,
    `Operating_system= ${OPERATING_SYSTEM_NAMES[opts.platform]}`,
    `Directory_packages= ${root}/live_packages`,
    `Directory_repository= ${root}/live_packages/All`,
    `Directory_portsdir= ${root}/dports`,
    `Directory_options= ${root}/options`,
    `Directory_distfiles= ${root}/distfiles`,
    `Directory_buildbase= ${opts.buildBase ?? `${root}/build`}`,
    `Directory_logs= ${root}/logs`,
    'Directory_ccache= disabled',
    'Directory_system= /',
    'Package_suffix= .txz',
    'Number_of_builders= 0',
    'Max_jobs_per_builder= 0',
    'Tmpfs_workdir= true',
    'Tmpfs_localbase= true',
    'Display_with_ncurses= true',
    'leverage_prebuilt= false',
    '; Meta_version= 2',
    '; Check_plist= false',
    '; Numa_setsize= 2',
    '',
    '',
  ].join('\n')
}

/** Options of initConfig. */
export interface InitConfigOptions extends RenderInitOptions {
  /** Where to write dsynth.ini; its directory is created and receives `<Profile>-make.conf`. */
  path: string
  /** Overwrite an existing dsynth.ini (the make.conf beside it is never overwritten). */
  force: boolean
}

/** What initConfig did: files written and directories created, in order. */
export interface InitResult {
  /** dsynth.ini, then `<Profile>-make.conf` if it was missing. */
  written: string[]
  /** Directories that did not exist before (config directory first, then the ones dsynth.ini names). */
  created: string[]
}

/** The directories an init'ed file names, in file order; ccache only when enabled, system never. */
export function listInitDirectories(d: Directories): string[] {
  const dirs = [d.packages, d.repository, d.portsdir, d.options, d.distfiles, d.buildbase, d.logs]
  return d.ccache === null ? dirs : [...dirs, d.ccache]
}

/** Wraps a failed file-system call in a ConfigError naming the path. */
function failWrite(what: string, target: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
  throw new ConfigError('CONFIG_UNWRITABLE', `${target}: cannot ${what} (${code})`, {cause: error})
}

/** `mkdir -p dir`; records dir in `created` when it did not exist. */
async function makeDirectory(dir: string, created: string[]): Promise<void> {
  try {
    if ((await mkdir(dir, {recursive: true, mode: 0o755})) !== undefined) created.push(dir)
  } catch (error) {
    failWrite('create directory', dir, error)
  }
}

/** Refuses a directory that cannot be made because a part of its path that exists is not a directory. */
async function refuseUncreatable(dir: string): Promise<void> {
  for (let p = dir; ; p = path.dirname(p)) {
    const st = await stat(p).catch(() => null)
    if (st !== null) {
      if (st.isDirectory()) return
      throw new ConfigError('CONFIG_UNWRITABLE', `${dir}: cannot create directory: ${p} exists and is not a directory`)
    }
    if (p === path.dirname(p)) return
  }
}

/** Refuses to replace an existing dsynth.ini unless forced, and never a directory. */
async function refuseOverwrite(file: string, force: boolean): Promise<void> {
  const st = await lstat(file).catch(() => null)
  if (st === null) return
  if (st.isDirectory()) throw new ConfigError('CONFIG_EXISTS', `${file} is a directory; init writes a file there`)
  if (!force) {
    throw new ConfigError('CONFIG_EXISTS', `${file} already exists; init will not overwrite it without --force`, {
      suggestions: ['rerun with --force to replace it (the make.conf beside it is kept)'],
    })
  }
}

/** Writes `text` to `file` via a temporary file and rename, so a crash never leaves half a config. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`
  try {
    await writeFile(tmp, text, {mode: 0o644})
    await rename(tmp, file)
  } catch (error) {
    await unlink(tmp).catch(() => undefined)
    failWrite('write', file, error)
  }
}

/** Creates `file` with `text` unless it exists; true when written. */
async function writeIfMissing(file: string, text: string): Promise<boolean> {
  try {
    await writeFile(file, text, {flag: 'wx', mode: 0o644})
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    return failWrite('write', file, error)
  }
}

/** `dsynth init`: writes dsynth.ini and `<Profile>-make.conf`, then creates every directory the file names. */
export async function initConfig(opts: InitConfigOptions): Promise<InitResult> {
  const file = path.resolve(opts.path)
  const profile = opts.profile ?? DEFAULT_PROFILE
  const text = renderInitFile({platform: opts.platform, buildBase: opts.buildBase, synthDir: opts.synthDir, profile})
  // Validate before touching the disk, so a bad --build-base leaves nothing half-written behind: the text, the
  // directories on their real paths, and that each directory can be made (what exists of it is a directory)
  const config = parseConfig(text, {file, cpuCount: 1})
  await checkResolvedDirectories(config)
  await refuseOverwrite(file, opts.force)
  const configDir = path.dirname(file)
  const dirs = [configDir, ...listInitDirectories(config.directories)]
  for (const dir of dirs) await refuseUncreatable(dir)
  const result: InitResult = {written: [], created: []}
  for (const dir of dirs) await makeDirectory(dir, result.created)
  await writeAtomically(file, text)
  result.written.push(file)
  const makeConf = path.join(configDir, `${profile}-make.conf`)
  if (await writeIfMissing(makeConf, MAKE_CONF_TEXT)) result.written.push(makeConf)
  return result
}
