import {spawn} from 'node:child_process'

/** Options for one external command. Commands are argument arrays, never shell strings. */
export interface RunOptions {
  /** Working directory. */
  cwd?: string
  /** Complete environment; when omitted the parent's environment is inherited. */
  env?: Record<string, string>
  /** Kill the process (SIGKILL) after this many milliseconds. */
  timeoutMs?: number
  /** Called with every chunk of stdout and stderr, in arrival order. */
  onOutput?: (chunk: string) => void
  /** Aborting kills the process with SIGTERM. */
  signal?: AbortSignal
  /** Text or bytes fed to stdin; stdin is /dev/null otherwise. */
  input?: string | Uint8Array
  /** Start the child in its own process group (so a terminal Ctrl-C does not reach it). */
  detached?: boolean
}

/** What a finished command did. A non-zero exit is a result, not an exception. */
export interface RunResult {
  /** The argv that ran. */
  argv: string[]
  /** Exit status, or null when killed by a signal. */
  exitCode: number | null
  /** Name of the signal that ended it, or null. */
  signal: string | null
  stdout: string
  stderr: string
  /** True when timeoutMs expired and the process was killed. */
  timedOut: boolean
  /** Process id while it ran. */
  pid: number | undefined
}

/** Counts spawned processes per program name; benchmarks and tests read it. */
export const spawnCounter = new Map<string, number>()

/** Runs `argv` without a shell and resolves with its result; rejects only when it cannot start (ENOENT). */
export function runCommand(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv
  const base = cmd.slice(cmd.lastIndexOf('/') + 1)
  spawnCounter.set(base, (spawnCounter.get(base) ?? 0) + 1)
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: opts.detached,
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, opts.timeoutMs)
    const onAbort = () => child.kill('SIGTERM')
    opts.signal?.addEventListener('abort', onAbort, {once: true})
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; opts.onOutput?.(d) })
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; opts.onOutput?.(d) })
    if (opts.input !== undefined) {
      // a child that exits without reading all of stdin (a failing tar) must not crash dsynth with EPIPE
      child.stdin!.on('error', () => undefined)
      child.stdin!.end(opts.input)
    }
    child.on('error', (err) => {
      if (timer) clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      reject(err)
    })
    child.on('close', (code, sig) => {
      if (timer) clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      resolve({argv, exitCode: code, signal: sig, stdout, stderr, timedOut, pid: child.pid})
    })
  })
}
