/** Timed child processes and the mount table, for code running inside a private mount namespace. */
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {performance} from 'node:perf_hooks'

/** What a timed command did. */
export interface Timed {
  ms: number
  code: number | null
  stdout: string
  stderr: string
}

/** Runs argv (no shell) to completion and measures the wall time around it. */
export function timed(argv: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Timed {
  const t0 = performance.now()
  const r = spawnSync(argv[0], argv.slice(1), {env, cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024})
  const ms = performance.now() - t0
  if (r.error) throw r.error
  return {ms, code: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** Runs argvs one after the other; the time is the sum of the whole sequence. Stops at the first failure. */
export function timedSequence(argvs: readonly (readonly string[])[], env: NodeJS.ProcessEnv): Timed {
  const t0 = performance.now()
  let last: Timed = {ms: 0, code: 0, stdout: '', stderr: ''}
  for (const argv of argvs) {
    last = timed(argv, env)
    if (last.code !== 0) break
  }
  return {...last, ms: performance.now() - t0}
}

/** Throws with the command's output when it did not exit 0. */
export function mustSucceed(what: string, r: Timed): Timed {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`)
  return r
}

/** Decodes mountinfo's octal escapes (`\040`). */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
}

/** Mount points (field 5 of /proc/self/mountinfo), in table order. */
export function mountTargets(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).map((l) => unescape(l.split(' ')[4]))
}

/** True when `p` is `dir` or below it (by path components, never by string prefix). */
export function atOrBelow(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : dir + '/')
}

/** The mount points at or below `dir`. */
export function mountsBelow(dir: string): string[] {
  return mountTargets().filter((t) => atOrBelow(t, dir))
}

/** Quotes a word for /bin/sh. */
export function sq(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}
