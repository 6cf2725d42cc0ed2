import path from 'node:path'
import {ConfigError} from '../errors.js'
import {DEFAULT_PROFILE, applyValues} from './defaults.js'
import {GLOBAL_SECTION, GOSYNTH_ONLY_KEYS, PROFILE_KEYS, PROFILE_SELECTED, failAt, suggestName, type IniEntry} from './keys.js'
import type {Config} from './types.js'

/** Inputs of parseConfig besides the text: where it came from and what the environment asks for. */
export interface ParseConfigOptions {
  /** File name used in every message (and whose directory becomes configBase). */
  file: string
  /** `--profile` flag; wins over everything. */
  profile?: string
  /** `DSYNTH_PROFILE` from the environment; wins over profile_selected. */
  envProfile?: string
  /** CPUs available, for `Number_of_builders= 0` and `Max_jobs_per_builder= 0`. */
  cpuCount: number
  /** `Operating_system` when the file does not set it (normally the running kernel's name). */
  operatingSystem?: string
}

/** One `[Name]` section of the file with its entries in file order; repeated headers are merged. */
export interface IniSection {
  /** The text between the brackets, exactly (C compares it with strcmp). */
  name: string
  /** Line of the first header with this name. */
  line: number
  /** Every key line under the header(s). */
  entries: IniEntry[]
}

/** Name of the pseudo-section holding the key lines that come before any [section] header. */
export const BEFORE_SECTIONS = ''

/** Splits dsynth.ini text into sections, checking the syntax of every line in every section; pure. */
export function splitSections(text: string, file: string): IniSection[] {
  const sections = new Map<string, IniSection>()
  let current: IniSection | undefined
  const lines = text.replace(/^\uFEFF/, '').split('\n')
  for (const [i, raw] of lines.entries()) {
    const at = {file, line: i + 1}
    const line = raw.replace(/\r$/, '').trim()
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue
    if (line.startsWith('[')) {
      const name = readHeader(line, at)
      current = sections.get(name) ?? {name, line: at.line, entries: []}
      sections.set(name, current)
      continue
    }
    const entry = readEntry(line, at)
    // C dsynth checks the syntax of a line before any section, then ignores it: collected under the name '' (no header
    // can have it) so that parseConfig can say so
    if (current === undefined) sections.set(BEFORE_SECTIONS, current = {name: BEFORE_SECTIONS, line: at.line, entries: []})
    current.entries.push(entry)
  }
  return [...sections.values()]
}

/** The name inside a `[Name]` header line. */
function readHeader(line: string, at: {file: string; line: number}): string {
  const m = /^\[([^\]]+)\]$/.exec(line)
  if (m === null) return failAt(at, 'CONFIG_SYNTAX', `malformed section header '${line}' (expected [Name] alone on the line)`)
  return m[1]
}

/** A `Key= value` line; the value is the first whitespace-delimited token, as C's strtok reads it. */
function readEntry(line: string, at: {file: string; line: number}): IniEntry {
  const eq = line.indexOf('=')
  if (eq < 0) return failAt(at, 'CONFIG_VALUE_MISSING', `value missing for key '${line}' (expected Key= value)`)
  const key = line.slice(0, eq).trim()
  if (key === '') return failAt(at, 'CONFIG_SYNTAX', `no key before '=' in '${line}'`)
  const rest = line.slice(eq + 1).trim()
  const value = rest.split(/\s+/, 1)[0]
  if (value === '' || value.startsWith(';') || value.startsWith('#')) {
    return failAt(at, 'CONFIG_VALUE_MISSING', `value missing for key '${key}'`)
  }
  const tail = rest.slice(value.length).trim()
  if (tail !== '' && !tail.startsWith(';') && !tail.startsWith('#')) {
    return failAt(at, 'CONFIG_VALUE_SPACES', `value of '${key}' contains spaces: '${rest}'; C dsynth would have read only '${value}'`, [
      'values cannot contain spaces; a trailing comment must start with ; or #',
    ])
  }
  return {key, value, line: at.line}
}

/** The profile to load and where the choice came from (flag > env > profile_selected > LiveSystem). */
interface ProfileChoice {
  name: string
  source: Config['profileSource']
  /** The profile_selected line, when that decided. */
  entry?: IniEntry
}

/** Picks the profile: --profile, then DSYNTH_PROFILE, then profile_selected, then LiveSystem; empty strings count as unset. */
function chooseProfile(opts: ParseConfigOptions, selected: IniEntry | undefined): ProfileChoice {
  if (opts.profile) return {name: opts.profile, source: 'flag'}
  if (opts.envProfile) return {name: opts.envProfile, source: 'env'}
  if (selected !== undefined) return {name: selected.value, source: 'profile_selected', entry: selected}
  return {name: DEFAULT_PROFILE, source: 'default'}
}

const PROFILE_ALLOWED: readonly string[] = [...PROFILE_KEYS]
// go-synth writes every profile key into [Global Configuration], so Global accepts them too.
const GLOBAL_ALLOWED: readonly string[] = [PROFILE_SELECTED, ...PROFILE_KEYS]

/** Validates the keys of the Global section or the selected profile; returns them by key. */
function collectKeys(section: IniSection, allowed: readonly string[], file: string, warnings: string[]): Map<string, IniEntry> {
  const found = new Map<string, IniEntry>()
  for (const entry of section.entries) {
    const at = {file, line: entry.line}
    if (GOSYNTH_ONLY_KEYS.has(entry.key)) {
      warnings.push(`${file}:${entry.line}: ignoring go-synth-only key '${entry.key}' in [${section.name}]`)
      continue
    }
    if (!allowed.includes(entry.key)) {
      const hint = entry.key === PROFILE_SELECTED ? [`${PROFILE_SELECTED} belongs in [${GLOBAL_SECTION}]`] : suggestName(entry.key, allowed)
      failAt(at, 'CONFIG_UNKNOWN_KEY', `unknown key '${entry.key}' in [${section.name}]`, hint)
    }
    const first = found.get(entry.key)
    // C lets the last line win; a second setting is almost always an edit left half-done, so say so.
    if (first !== undefined) {
      failAt(at, 'CONFIG_DUPLICATE_KEY', `duplicate key '${entry.key}' in [${section.name}] (first set on line ${first.line})`, [
        `delete one of lines ${first.line} and ${entry.line}`,
      ])
    }
    found.set(entry.key, entry)
  }
  return found
}

/** Describes where a profile request came from, for messages. */
function describeSource(choice: ProfileChoice): string {
  return {flag: '--profile', env: 'DSYNTH_PROFILE', profile_selected: PROFILE_SELECTED, default: 'the default'}[choice.source]
}

/** Throws CONFIG_NO_PROFILE: the chosen profile has no section while other profile sections exist. */
function failNoProfile(choice: ProfileChoice, present: string[], file: string): never {
  const where = choice.entry === undefined ? `${file}:` : `${file}:${choice.entry.line}:`
  const list = present.map((p) => `[${p}]`).join(', ')
  throw new ConfigError('CONFIG_NO_PROFILE', `${where} profile '${choice.name}' (from ${describeSource(choice)}) has no section; profiles present: ${list}`, {
    suggestions: [...suggestName(choice.name, present), `add a [${choice.name}] section or select one of: ${present.join(', ')}`],
  })
}

/** Parses dsynth.ini text into the selected profile's validated Config; pure (no file system), every error names FILE:LINE. */
export function parseConfig(text: string, opts: ParseConfigOptions): Config {
  const {file} = opts
  const sections = splitSections(text, file)
  const warnings: string[] = []
  const globalSection = sections.find((s) => s.name === GLOBAL_SECTION) ?? {name: GLOBAL_SECTION, line: 0, entries: []}
  const global = collectKeys(globalSection, GLOBAL_ALLOWED, file, warnings)
  const selected = global.get(PROFILE_SELECTED)
  const choice = chooseProfile(opts, selected)
  global.delete(PROFILE_SELECTED)
  for (const e of sections.find((s) => s.name === BEFORE_SECTIONS)?.entries ?? []) {
    warnings.push(`${file}:${e.line}: ignoring '${e.key}' before any [section] (C dsynth ignores such lines too)`)
  }
  const profiles = sections.filter((s) => s.name !== GLOBAL_SECTION && s.name !== BEFORE_SECTIONS)
  const profileSection = profiles.find((s) => s.name === choice.name)
  if (profileSection === undefined && profiles.length > 0) failNoProfile(choice, profiles.map((s) => s.name), file)
  // A file with no profile section at all is go-synth style (every key in Global): it holds one profile, the one it
  // selects (or LiveSystem; go-synth calls it "default"); asking for another by flag or environment is a mistake
  if (profiles.length === 0 && (choice.source === 'flag' || choice.source === 'env')) {
    const held = selected?.value ?? DEFAULT_PROFILE
    if (choice.name !== held && choice.name !== 'default') {
      throw new ConfigError('CONFIG_NO_PROFILE', `${file}: profile '${choice.name}' (from ${describeSource(choice)}) has no section; this file has only [${GLOBAL_SECTION}] (go-synth style), the settings of profile '${held}'`, {
        suggestions: [`drop ${describeSource(choice)}, or add a [${choice.name}] section`]})
    }
  }
  const own = profileSection === undefined ? new Map<string, IniEntry>() : collectKeys(profileSection, PROFILE_ALLOWED, file, warnings)
  // When Global and the profile both set a key, the profile wins: it is the more specific section.
  // (go-synth loads Global over the profile; C dsynth rejects profile keys in Global altogether.)
  const values = new Map([...global, ...own])
  return {
    file,
    configBase: path.posix.dirname(file),
    profile: choice.name,
    profileSource: choice.source,
    ...applyValues(values, {file, cpuCount: opts.cpuCount, operatingSystem: opts.operatingSystem}),
    warnings,
    keyLines: Object.fromEntries([...values].map(([k, e]) => [k, e.line])),
  }
}
