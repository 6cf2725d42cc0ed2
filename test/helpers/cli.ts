import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

/** The project root, and the built CLI the tests run (`npm test` builds it first, in pretest). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

/** What one run of the CLI did. */
export interface CliResult {
  /** Exit status (never null: a signal is reported as 128 + its number, or -1). */
  code: number
  stdout: string
  stderr: string
}

/** Options of one run. */
export interface CliOptions {
  /** Environment on top of the cleaned parent environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>
  /** Text written to the CLI's stdin (stdin is closed either way, so `--mounts -` never waits). */
  stdin?: string
}

/**
 * Variables that would make results depend on the caller's shell: colour switches, dsynth's own, and oclif's debug
 * output. They are removed unless a test sets them.
 */
const CLEARED = ['FORCE_COLOR', 'NO_COLOR', 'DSYNTH_CONFIG', 'DSYNTH_PROFILE', 'DEBUG', 'DSYNTH_DEBUG', 'NODE_OPTIONS']

/** Fails clearly when the CLI has not been built (run `npm run build`, or `npm test`, which builds first). */
export function requireBuild(): void {
  if (!existsSync(new URL('../../dist/src/cli.js', import.meta.url))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does it in pretest)')
  }
}

/** Runs `./bin/run.js ...args` in the project root with node's execFile and collects its output; never rejects on a failing exit. */
export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = {...process.env}
  for (const k of CLEARED) delete env[k]
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BIN, ...args], {cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000},
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number' && !error.signal) {
          reject(error)
          return
        }
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({code, stdout, stderr})
      })
    child.stdin?.on('error', () => {}) // the CLI may exit before reading stdin
    child.stdin?.end(opts.stdin ?? '')
  })
}

/** Matches any ANSI escape sequence. */
export const ANSI = /\u001b\[[0-9;]*m/
