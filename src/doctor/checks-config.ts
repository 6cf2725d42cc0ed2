import {isSystemDir} from '../config/keys.js'
import {CONFIG_SEARCH_PATHS} from '../config/load.js'
import {parseSlotName} from '../layout/slots.js'
import {isAtOrBelow, isBelow} from '../util/paths.js'
import type {BuildBaseFact, Check, CheckId, CheckStatus, DirectoryFact, DoctorFacts} from './types.js'

/** Builds a configuration check. */
function check(id: CheckId, status: CheckStatus, summary: string, more: Partial<Check> = {}): Check {
  return {id, status, slot: null, summary, evidence: [], mounts: [], fix: null, repair: status === 'ok' || status === 'skipped' ? null : 'manual', ...more}
}

/** The config file: found and valid (it loaded), or built-in defaults in use. */
export function configFileCheck(facts: Pick<DoctorFacts, 'config' | 'desired'>): Check {
  const c = facts.config
  if (c.file !== null) {
    return check('config-file', 'ok', `dsynth.ini: ${c.file}, profile ${c.profile}, ${c.builders} ${c.builders === 1 ? 'builder' : 'builders'}`)
  }
  return check('config-file', 'warning', `no config file found (looked at ${CONFIG_SEARCH_PATHS.join(', ')}): using defaults, ${c.builders} ${c.builders === 1 ? 'builder' : 'builders'} from the CPU count, build base ${facts.desired.buildBase}`, {
    fix: "run 'dsynth init' to write one"})
}

/** Every directory dsynth.ini names exists and is a directory; a missing mount source is a problem (apply refuses it). */
export function directoriesCheck(dirs: DirectoryFact[]): Check {
  const bad = dirs.filter((d) => d.kind !== 'directory')
  if (bad.length === 0) return check('config-directories', 'ok', `directories: all ${dirs.length} named in dsynth.ini exist`)
  const fatal = bad.filter((d) => d.mountSource || d.kind === 'not-a-directory')
  const evidence = bad.map((d) => `${d.key} ${d.path}: ${d.kind === 'missing' ? 'does not exist' : 'is not a directory'}${
    d.mountSource ? ' (mounted into every slot: apply refuses it)' : d.key === 'Directory_buildbase' ? ' (apply creates it)' : ''}`)
  return check('config-directories', fatal.length > 0 ? 'problem' : 'warning',
    `directories: ${bad.length} of ${dirs.length} named in dsynth.ini ${bad.length === 1 ? 'is' : 'are'} missing or not directories`, {
      evidence, fix: "create them ('dsynth init' creates the directories dsynth.ini names) or correct dsynth.ini"})
}

/**
 * The build base is not a system directory, does not lie inside a directory that is mounted into the slots, and no
 * mount source lies inside a slot; a symlink is fine (the kernel shows the resolved path, dsynth resolves it too).
 */
export function buildBaseCheck(base: BuildBaseFact, dirs: DirectoryFact[]): Check {
  const link = base.resolved !== base.configured ? `${base.configured} → ${base.resolved} (a symlink, resolved)` : base.configured
  if (isSystemDir(base.resolved)) {
    return check('config-build-base', 'problem', `build base: ${link} is a system directory`, {
      fix: 'point Directory_buildbase at a dedicated directory'})
  }
  const evidence: string[] = []
  for (const d of dirs) {
    if (!d.mountSource || d.resolved === '/') continue
    if (isAtOrBelow(base.resolved, d.resolved)) evidence.push(`the build base lies inside ${d.key} ${d.resolved}: the slots would show up through its mounts`)
    if (isBelow(d.resolved, base.resolved) && parseSlotName(d.resolved.slice(base.resolved.length + 1).split('/')[0]) !== null) {
      evidence.push(`${d.key} ${d.resolved} lies inside a slot directory: it would be mounted into itself and hidden by the slot's root`)
    }
  }
  if (evidence.length > 0) {
    return check('config-build-base', 'problem', `build base: ${link} overlaps the directories mounted into the slots`, {
      evidence, fix: 'keep Directory_buildbase apart from the packages, distfiles, options, ports and ccache directories'})
  }
  return check('config-build-base', 'ok', `build base: ${link}${base.exists ? '' : ' (does not exist yet: apply creates it)'}`)
}
