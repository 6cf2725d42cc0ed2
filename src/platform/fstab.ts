import type {MountSpec} from '../layout/types.js'

/** Escapes a path for an fstab field: space, tab, newline and backslash as octal, as getmntent expects. */
export function escapeFstab(s: string): string {
  return s.replace(/[\\ \t\n]/g, (ch) => '\\' + ch.charCodeAt(0).toString(8).padStart(3, '0'))
}

/** One util-linux fstab line for a spec; binds use `bind`, and `x-mount.mkdir` creates the mount point. */
export function linuxFstabLine(spec: MountSpec, mkdir: boolean): string {
  const opts = spec.fstype === 'bind' ? ['bind', ...spec.options] : [...spec.options]
  if (mkdir) opts.push('x-mount.mkdir')
  const fstype = spec.fstype === 'bind' ? 'none' : spec.fstype
  return `${escapeFstab(spec.source)} ${escapeFstab(spec.target)} ${fstype} ${opts.join(',')} 0 0`
}

/** One BSD fstab line for `mount -a -F`: `source target fstype options 0 0`. */
export function bsdFstabLine(spec: MountSpec): string {
  return `${escapeFstab(spec.source)}\t${escapeFstab(spec.target)}\t${spec.fstype}\t${spec.options.join(',')}\t0\t0`
}
