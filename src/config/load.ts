import {readFile} from 'node:fs/promises'
import {resolvePath} from '../platform/host-facts.js'
import os from 'node:os'
import path from 'node:path'
import {ConfigError} from '../errors.js'
import {DEFAULT_PROFILE, defaultConfig} from './defaults.js'
import {systemDirOf} from './keys.js'
import {DIRECTORY_KEYS, findRoleProblem} from './roles.js'
import {parseConfig} from './parse.js'
import type {Config, Directories} from './types.js'

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
  /** Also check the directories on their real paths: a build base that is a symlink into a system directory, a
   * packages directory that is a symlink into a slot directory... */
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

/** `file:line: ` of a key, for errors about values checked after parsing. */
function where(config: Config, key: string): string {
  const line = config.keyLines[key]
  return `${config.file ?? 'built-in defaults'}${line === undefined ? '' : `:${line}`}: `
}

/**
 * Checks the directories again on their real paths (symlinks resolved): a build base that resolves into a system
 * directory, and the roles of roles.ts (a packages directory that is a symlink into a slot directory, say).
 */
export async function checkResolvedDirectories(config: Config): Promise<void> {
  const fields = Object.keys(DIRECTORY_KEYS) as Array<keyof Directories>
  const real = await Promise.all(fields.map(async (f) => {
    const dir = config.directories[f]
    return dir === null ? null : resolvePath(dir)
  }))
  const resolved = Object.fromEntries(fields.map((f, i) => [f, real[i]])) as unknown as Directories
  const configured = config.directories.buildbase
  const system = systemDirOf(resolved.buildbase)
  if (resolved.buildbase !== configured && system !== null) {
    const what = system === resolved.buildbase ? `a symlink into system directory '${system}'` : `reached through a symlink, inside system directory '${system}' (${resolved.buildbase})`
    throw new ConfigError('CONFIG_SYSTEM_DIR', `${where(config, 'Directory_buildbase')}Directory_buildbase '${configured}' is ${what}`,
      {suggestions: ['point Directory_buildbase at a dedicated directory, not a symlink to a system one']})
  }
  const shown = (f: keyof Directories) => resolved[f] === config.directories[f] ? `'${resolved[f]}'` : `'${config.directories[f]}' (really ${resolved[f]})`
  const problem = findRoleProblem(resolved, shown)
  if (problem !== null) {
    throw new ConfigError(problem.code, `${where(config, DIRECTORY_KEYS[problem.field])}${problem.message}`, {suggestions: [problem.suggestion]})
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
  if (opts.resolveBuildBase) await checkResolvedDirectories(config)
  return config
}
