import type {PlatformName} from '../config/types.js'

/** The platform-specific programs a build uses. */
export interface BuildTools {
  /** make for the dependency queries on the host. */
  hostMake: string
  /** make inside the slot, run by the phases. */
  slotMake: string
  /** The argv, inside the slot, that installs one dependency package. */
  installArgv: (file: string) => string[]
  /** Also write PKG_SUFX into make.conf (old pkg; the Linux demo framework reads it). */
  pkgSufx: boolean
}

/** The tools of each platform: pkg(8) and /usr/bin/make on the BSDs; bmake and tar for the Linux demo ports. */
export function buildToolsFor(platform: PlatformName): BuildTools {
  if (platform === 'linux') {
    return {
      hostMake: 'bmake',
      slotMake: 'bmake',
      // The demo framework's packages are tarballs relative to LOCALBASE (examples/ports/Mk/bsd.port.mk).
      installArgv: (file) => ['tar', '-xf', `/packages/All/${file}`, '-C', '/usr/local'],
      pkgSufx: true,
    }
  }
  return {
    hostMake: '/usr/bin/make',
    slotMake: '/usr/bin/make',
    installArgv: (file) => ['pkg', 'install', '-q', '-U', '-y', `/packages/All/${file}`],
    pkgSufx: false,
  }
}
