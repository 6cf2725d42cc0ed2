import {parseSlotName} from '../layout/slots.js'
import {isAtOrBelow, isBelow} from '../util/paths.js'
import {systemDirOf} from './keys.js'
import type {Directories} from './types.js'

/** The `Directory_*` key of each Directories field, for messages. */
export const DIRECTORY_KEYS: Readonly<Record<keyof Directories, string>> = {
  packages: 'Directory_packages', repository: 'Directory_repository', portsdir: 'Directory_portsdir',
  options: 'Directory_options', distfiles: 'Directory_distfiles', buildbase: 'Directory_buildbase', logs: 'Directory_logs',
  ccache: 'Directory_ccache', system: 'Directory_system',
}

/** Directories mounted read-write into every slot. */
const RW_SOURCES: ReadonlyArray<keyof Directories> = ['packages', 'options', 'distfiles', 'ccache']
/** Directories mounted into every slot (read-write, or read-only for the ports tree). */
const SOURCES: ReadonlyArray<keyof Directories> = [...RW_SOURCES, 'portsdir']

/** Why a directory cannot play its role, and the key to blame. */
export interface RoleProblem {
  /** The key whose value is wrong. */
  field: keyof Directories
  code: 'CONFIG_DIR_IN_SLOT' | 'CONFIG_SYSTEM_SOURCE' | 'CONFIG_SOURCE_HOLDS_BASE'
  message: string
  suggestion: string
}

/**
 * Checks that the directories can play their roles next to the slots (pure; run on the paths as written, and again
 * on their real paths once symlinks are resolved):
 * - nothing the configuration names lies inside a slot directory (`<build base>/SLnn`): the slot's root would hide
 *   it, and destroy removes slot directories with what is in them;
 * - no directory mounted read-write into the slots is a system directory (a port build could write into /etc);
 * - no directory mounted into the slots holds the build base (every slot would see, and could write into, all slots).
 * `shown` gives the path to print for a field (the configured one, with its real path when they differ).
 */
export function findRoleProblem(dirs: Directories, shown: (field: keyof Directories) => string): RoleProblem | null {
  const base = dirs.buildbase
  for (const field of Object.keys(DIRECTORY_KEYS) as Array<keyof Directories>) {
    const dir = dirs[field]
    if (field === 'buildbase' || dir === null || !isBelow(dir, base)) continue
    const slot = dir.slice(base === '/' ? 1 : base.length + 1).split('/')[0]
    if (parseSlotName(slot) === null) continue
    return {field, code: 'CONFIG_DIR_IN_SLOT',
      message: `${DIRECTORY_KEYS[field]} ${shown(field)} lies inside slot directory '${base === '/' ? '' : base}/${slot}': the slot's mounts would hide it and destroy removes slot directories`,
      suggestion: `keep ${DIRECTORY_KEYS[field]} outside ${base}/SL*, e.g. beside the build base`}
  }
  for (const field of RW_SOURCES) {
    const dir = dirs[field]
    const system = dir === null ? null : systemDirOf(dir)
    if (system === null) continue
    return {field, code: 'CONFIG_SYSTEM_SOURCE',
      message: `${DIRECTORY_KEYS[field]} ${shown(field)} ${system === dir ? 'is a system directory' : `lies inside system directory '${system}'`}, and it is mounted read-write into every slot`,
      suggestion: `point ${DIRECTORY_KEYS[field]} at a directory of its own`}
  }
  for (const field of SOURCES) {
    const dir = dirs[field]
    if (dir === null || !isAtOrBelow(base, dir)) continue
    return {field, code: 'CONFIG_SOURCE_HOLDS_BASE',
      message: `${DIRECTORY_KEYS[field]} ${shown(field)} holds the build base ${base}: mounted into every slot, it would show the slots themselves`,
      suggestion: `keep ${DIRECTORY_KEYS[field]} and Directory_buildbase apart (e.g. /build/synth/distfiles and /build/synth/build)`}
  }
  return null
}
