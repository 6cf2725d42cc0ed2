import os from 'node:os'
import type {PlatformName} from '../config/types.js'
import {UsageError} from '../errors.js'
import {BsdPlatform} from './bsd.js'
import {LinuxPlatform} from './linux.js'
import type {Platform} from './types.js'

/** The platform of the running host. */
export function hostPlatformName(): PlatformName {
  const t = os.platform()
  if (t === 'freebsd') return 'freebsd'
  if ((t as string) === 'dragonfly') return 'dragonfly'
  return 'linux'
}

/** Validates a `--platform` value. */
export function parsePlatformName(value: string | undefined): PlatformName {
  if (value === undefined) return hostPlatformName()
  if (value === 'dragonfly' || value === 'freebsd' || value === 'linux') return value
  throw new UsageError('BAD_PLATFORM', `unknown platform '${value}'`, {suggestions: ['use dragonfly, freebsd or linux']})
}

/** The driver for a platform. */
export function createPlatform(name: PlatformName): Platform {
  return name === 'linux' ? new LinuxPlatform() : new BsdPlatform(name)
}
