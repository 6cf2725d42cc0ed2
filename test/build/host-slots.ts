import {mkdir, rm} from 'node:fs/promises'
import path from 'node:path'
import type {Config} from '../../src/config/types.js'
import type {SlotSpec} from '../../src/layout/types.js'
import type {BuildConfig} from '../../src/build/run-build.js'
import type {SlotOps} from '../../src/build/types.js'

/** Absolute path of the example ports tree. */
export const EXAMPLE_PORTS = path.resolve(import.meta.dirname, '../../examples/ports')

/** A BuildConfig whose directories all live under `base` (ports tree: `portsdir`). */
export function hostConfig(base: string, portsdir = EXAMPLE_PORTS, over: Partial<BuildConfig> = {}): BuildConfig {
  const directories: Config['directories'] = {
    packages: path.join(base, 'packages'),
    repository: path.join(base, 'packages', 'All'),
    portsdir,
    options: path.join(base, 'options'),
    distfiles: path.join(base, 'distfiles'),
    buildbase: path.join(base, 'build'),
    logs: path.join(base, 'logs'),
    ccache: null,
    system: '/',
  }
  return {directories, packageSuffix: '.tgz', maxJobs: 2, profile: 'LiveSystem', configBase: null, checkPlist: false, ...over}
}

/** N slot directories under `<base>/build/SLnn`, without mounts. */
export function hostSlots(base: string, n: number): SlotSpec[] {
  return Array.from({length: n}, (_, i) => {
    const name = `SL${String(i).padStart(2, '0')}`
    return {name, index: i, dir: path.join(base, 'build', name), mounts: []}
  })
}

/**
 * A chrootArgv that runs on the host instead: paths under the slot's mount points are rewritten
 * to the host directories, and make gets the same rewrites as command-line variables (which
 * override the slot's /etc/make.conf).
 */
export function hostChrootArgv(config: BuildConfig): (slotDir: string, argv: string[]) => string[] {
  const d = config.directories
  return (slotDir, argv) => {
    const mounts: [string, string][] = [
      ['/xports', d.portsdir], ['/packages', d.packages], ['/distfiles', d.distfiles], ['/options', d.options],
      ['/construction', path.join(slotDir, 'construction')], ['/usr/local', path.join(slotDir, 'usr/local')],
    ]
    const rewrite = (a: string): string => {
      for (const [inside, outside] of mounts) if (a === inside || a.startsWith(inside + '/')) return outside + a.slice(inside.length)
      return a
    }
    const out = argv.map(rewrite)
    if (path.basename(argv[0]).endsWith('make')) {
      out.push(
        `__MAKE_CONF=${path.join(slotDir, 'etc/make.conf')}`, `PORTSDIR=${d.portsdir}`, `DISTDIR=${d.distfiles}`,
        `PACKAGES=${d.packages}`, `WRKDIRPREFIX=${path.join(slotDir, 'construction')}`,
        `LOCALBASE=${path.join(slotDir, 'usr/local')}`,
      )
    }
    return out
  }
}

/** SlotOps for host slots: reset empties construction and usr/local; kill records the call. */
export function hostSlotOps(calls: string[] = []): SlotOps {
  return {
    async resetSlot(slot) {
      calls.push(`reset ${slot.name}`)
      for (const sub of ['construction', 'usr/local']) {
        await rm(path.join(slot.dir, sub), {recursive: true, force: true})
        await mkdir(path.join(slot.dir, sub), {recursive: true})
      }
      await mkdir(path.join(slot.dir, 'etc'), {recursive: true})
    },
    async killInSlot(slot) {
      calls.push(`kill ${slot.name}`)
      return 0
    },
  }
}
