import {execFile} from 'node:child_process'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/** Root of the repository (where bin/run.js lives). */
export const REPO = path.resolve(import.meta.dirname, '../..')

/** True when integration tests can mount: root and `unshare` available. */
export const canMount = process.getuid?.() === 0 && process.platform === 'linux'

/** Output of a script run in a private mount namespace. */
export interface NsResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs a bash script inside its own private mount namespace (`unshare --mount --propagation private`):
 * every mount it makes vanishes when it ends, even when a test fails midway. `$DSYNTH` runs the built CLI;
 * LIBMOUNT_UTAB points at a private file so the host's /run/mount/utab is never written.
 */
export function inNamespace(script: string, env: Record<string, string> = {}, timeoutMs = 120_000): Promise<NsResult> {
  return new Promise((resolve) => {
    execFile('unshare', ['--mount', '--propagation', 'private', 'bash', '-c', `set -u\n${script}`], {
      cwd: REPO, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024,
      env: {...process.env, NO_COLOR: '1', DSYNTH: `${REPO}/bin/run.js`, LIBMOUNT_UTAB: path.join(os.tmpdir(), `dsynth-test-utab-${process.pid}`), ...env},
    }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : 1) : 0
      resolve({code, stdout, stderr})
    })
  })
}

/** A temporary dsynth world: sources, a build base and a dsynth.ini pointing at them. */
export interface World {
  dir: string
  base: string
  ini: string
  packages: string
  distfiles: string
  options: string
  ports: string
}

const worlds: string[] = []

/** Registers a temporary directory to remove after the suite (once nothing is mounted below it). */
export function trackTempDir(dir: string): void {
  worlds.push(dir)
}

/** Removes every world the tests made, once nothing is mounted below them (their namespaces are gone). */
export async function removeWorlds(): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8')
  for (const dir of worlds.splice(0)) {
    if (mountinfo.includes(` ${dir}/`) || mountinfo.includes(` ${dir} `)) continue
    await rm(dir, {recursive: true, force: true})
  }
}

/** Creates a temporary build host layout (never /build) with canary files in every source directory. */
export async function makeWorld(builders = 2, extra = ''): Promise<World> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dsynth-it-'))
  worlds.push(dir)
  const w: World = {dir, base: `${dir}/build`, ini: `${dir}/dsynth.ini`, packages: `${dir}/synth/packages`,
    distfiles: `${dir}/synth/distfiles`, options: `${dir}/synth/options`, ports: `${dir}/synth/ports`}
  for (const d of [w.base, `${w.packages}/All`, w.distfiles, w.options, w.ports, `${dir}/synth/logs`]) await mkdir(d, {recursive: true})
  for (const d of [w.packages, w.distfiles, w.options, w.ports]) await writeFile(`${d}/CANARY`, `canary ${d}\n`)
  await writeFile(w.ini, `[Global Configuration]
profile_selected= LiveSystem

[LiveSystem]
Directory_packages= ${w.packages}
Directory_repository= ${w.packages}/All
Directory_portsdir= ${w.ports}
Directory_options= ${w.options}
Directory_distfiles= ${w.distfiles}
Directory_buildbase= ${w.base}
Directory_logs= ${dir}/synth/logs
Number_of_builders= ${builders}
${extra}`)
  return w
}
