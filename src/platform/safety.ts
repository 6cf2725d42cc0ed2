import {lstatSync} from 'node:fs'
import {SafetyError} from '../errors.js'
import {isBelow, normalizeAbs} from '../util/paths.js'

/**
 * Refuses a mount target that would be reached through a symlink: every existing path component strictly
 * below `base` (down to `upTo`, default the target itself) must be a real directory. Mounts follow symlinks,
 * also absolute ones leading out of the slot. Components that do not exist yet end the walk.
 * Synchronous lstat calls: every slot checks its paths just before it mounts, and the Linux driver batches the slots
 * that reach mount() in the same turn of the event loop; a thread-pool round trip per component split them apart.
 */
export async function assertNoSymlinks(target: string, base: string, upTo: string = target): Promise<void> {
  // `..` and `.` components would be walked here as plain directories and resolved by mount(8) out of the slot
  if (normalizeAbs(target) !== target || normalizeAbs(upTo) !== upTo) {
    throw new SafetyError('NOT_CANONICAL', `refusing ${target}: not a canonical path (it has ., .. or empty components)`)
  }
  if (!isBelow(target, base)) throw new SafetyError('OUTSIDE_BUILD_BASE', `refusing ${target}: not below the build base ${base}`)
  const parts = upTo.slice(base.length + 1).split('/')
  let p = base
  for (const part of parts) {
    p += '/' + part
    const st = lstatSync(p, {throwIfNoEntry: false})
    if (st === undefined) return
    if (st.isSymbolicLink()) {
      throw new SafetyError('SYMLINK_IN_TARGET', `refusing to mount on ${target}: ${p} is a symbolic link`, {
        suggestions: ['a symlink in a slot path would let the mount escape the slot; remove it (run `dsynth doctor`)'],
      })
    }
    if (!st.isDirectory()) {
      throw new SafetyError('NOT_A_DIRECTORY', `refusing to mount on ${target}: ${p} is not a directory`)
    }
  }
}
