import {readFile, realpath} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {ConfigError} from '../errors.js'
import {DEFAULT_PROFILE, defaultConfig} from './defaults.js'
import {isSystemDir} from './keys.js'
import {parseConfig} from './parse.js'
import type {Config} from './types.js'

/** Where C dsynth looks for dsynth.ini, in order. */
export const CONFIG_SEARCH_PATHS: readonly string[] = ['/etc/dsynth/dsynth.ini', '/usr/local/etc/dsynth/dsynth.ini']

/** Inputs of loadConfig; everything optional so commands pass only their flags. */
export interface LoadConfigOptions {
  /** `--config PATH`: this file must exist and be readable; no search. */
  configPath?: string
  /** `--profile` flag. */
  profile?: string
  /** Environment to read DSYNTH_PROFILE from (default process.env). */
  env?: Record<string, string | undefined>
  /** CPUs available (default os.availableParallelism()). */
  cpuCount?: number
  /** Files to try in order when configPath is absent (default CONFIG_SEARCH_PATHS; tests override it). */
  searchPaths?: readonly string[]
  /** Also refuse a build base that is a symlink into a system directory. */
  resolveBuildBase?: boolean
}

/** Error codes a failed read maps to a reason; anything else is reported by its code. */
const READ_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  ELOOP: 'too many symbolic links',
}

/** Reads one config file; null when it does not exist and `optional`, ConfigError CONFIG_UNREADABLE otherwise. */
async function readConfigFile(file: string, optional: boolean): Promise<string | null> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    if (optional && (code === 'ENOENT' || code === 'ENOTDIR')) return null
    const reason = code in READ_REASONS ? `: ${READ_REASONS[code]}` : ''
    throw new ConfigError('CONFIG_UNREADABLE', `${file}: cannot read config file${reason} (${code})`, {
      cause: error,
      suggestions: code === 'ENOENT' ? ["run 'dsynth init' to create one, or check --config"] : [],
    })
  }
}

/** Finds and reads dsynth.ini: --config if given, else the first search path that exists; null when none does. */
async function findConfigFile(opts: LoadConfigOptions): Promise<{file: string; text: string} | null> {
  if (opts.configPath !== undefined) {
    const file = path.resolve(opts.configPath)
    return {file, text: (await readConfigFile(file, false)) as string}
  }
  for (const candidate of opts.searchPaths ?? CONFIG_SEARCH_PATHS) {
    const file = path.resolve(candidate)
    const text = await readConfigFile(file, true)
    if (text !== null) return {file, text}
  }
  return null
}

/** Refuses a build base that resolves, through a symlink, to a system directory; keeps the configured path otherwise. */
async function checkBuildBaseTarget(config: Config): Promise<void> {
  const configured = config.directories.buildbase
  let real: string
  try {
    real = await realpath(configured)
  } catch {
    return // Not there yet (or unreadable): later steps create or report it.
  }
  if (real !== configured && isSystemDir(real)) {
    throw new ConfigError(
      'CONFIG_SYSTEM_DIR',
      `${config.file ?? 'built-in defaults'}: Directory_buildbase '${configured}' is a symlink into system directory '${real}'`,
      {suggestions: ['point Directory_buildbase at a dedicated directory, not a symlink to a system one']},
    )
  }
}

/** With no file the profile only labels the run, but who chose it is still recorded (flag > env > default). */
function chooseProfileWithoutFile(flag: string | undefined, fromEnv: string | undefined): Pick<Config, 'profile' | 'profileSource'> {
  if (flag) return {profile: flag, profileSource: 'flag'}
  if (fromEnv) return {profile: fromEnv, profileSource: 'env'}
  return {profile: DEFAULT_PROFILE, profileSource: 'default'}
}

/** Loads the Config the way dsynth does: find and read dsynth.ini, pick the profile, validate; built-in defaults when no file exists. */
export async function loadConfig(opts: LoadConfigOptions = {}): Promise<Config> {
  const env = opts.env ?? process.env
  const cpuCount = opts.cpuCount ?? os.availableParallelism()
  const operatingSystem = os.type()
  const found = await findConfigFile(opts)
  let config: Config
  if (found === null) {
    config = {...defaultConfig(cpuCount, operatingSystem), ...chooseProfileWithoutFile(opts.profile, env.DSYNTH_PROFILE)}
  } else {
    config = parseConfig(found.text, {file: found.file, profile: opts.profile, envProfile: env.DSYNTH_PROFILE, cpuCount, operatingSystem})
  }
  if (opts.resolveBuildBase) await checkBuildBaseTarget(config)
  return config
}
