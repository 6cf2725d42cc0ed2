/** Temporary dsynth worlds for the mount benchmarks: always under os.tmpdir(), never /build. */
import {mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {atOrBelow} from './proc.js'

/** A temporary build host layout: sources with canary files, a build base and a dsynth.ini naming them. */
export interface World {
  dir: string
  base: string
  ini: string
  builders: number
}

/** Creates a world with `builders` slots in dsynth.ini. */
export function makeWorld(builders: number): World {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'dsynth-bench-')))
  const synth = `${dir}/synth`
  const w: World = {dir, base: `${dir}/build`, ini: `${dir}/dsynth.ini`, builders}
  for (const d of [w.base, `${synth}/packages/All`, `${synth}/distfiles`, `${synth}/options`, `${synth}/ports`, `${synth}/logs`]) {
    mkdirSync(d, {recursive: true})
  }
  for (const d of ['packages', 'distfiles', 'options', 'ports']) writeFileSync(`${synth}/${d}/CANARY`, `canary ${d}\n`)
  writeFileSync(w.ini, `[Global Configuration]
profile_selected= LiveSystem

[LiveSystem]
Directory_packages= ${synth}/packages
Directory_repository= ${synth}/packages/All
Directory_portsdir= ${synth}/ports
Directory_options= ${synth}/options
Directory_distfiles= ${synth}/distfiles
Directory_buildbase= ${w.base}
Directory_logs= ${synth}/logs
Number_of_builders= ${builders}
`)
  return w
}

/** Mount points of this (host) namespace at or below `dir`. */
function hostMountsBelow(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean)
    .map((l) => l.split(' ')[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((t) => atOrBelow(t, dir))
}

/**
 * Removes a world once nothing is mounted at or below it in this namespace (its private namespaces are gone by
 * then); otherwise leaves it in place and says so. Only removes directories under os.tmpdir().
 */
export function removeWorld(w: World, log: (s: string) => void): void {
  const tmp = realpathSync(os.tmpdir())
  if (!atOrBelow(w.dir, tmp) || w.dir === tmp || !path.basename(w.dir).startsWith('dsynth-bench-')) {
    throw new Error(`refusing to remove ${w.dir}: not a benchmark directory under ${tmp}`)
  }
  const mounted = hostMountsBelow(w.dir)
  if (mounted.length > 0) {
    log(`kept ${w.dir}: ${mounted.length} mount(s) below it (${mounted[0]}...)`)
    return
  }
  rmSync(w.dir, {recursive: true, force: true})
}
