/** Runs one mount scenario in its own private mount namespace, from the host side. */
import {spawn} from 'node:child_process'
import {readlinkSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {WorkerRequest, WorkerResult} from './scenarios.js'

/** Root of the repository. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url))
const WORKER = path.join(REPO, 'bench/lib/ns-worker.ts')

/** True when this process can make private mount namespaces and mount in them. */
export const canMount = process.platform === 'linux' && process.getuid?.() === 0

/**
 * Starts `unshare --mount --propagation private node --import tsx bench/lib/ns-worker.ts` with the request in
 * the environment. Every mount the scenario makes lives and dies with that namespace. The worker refuses to run
 * when its mount namespace is the host's. Progress lines go to `log`; the result is the worker's last stdout line.
 */
export function runScenario(req: Omit<WorkerRequest, 'hostNamespace'>, log: (s: string) => void): Promise<WorkerResult> {
  const full: WorkerRequest = {...req, hostNamespace: readlinkSync('/proc/self/ns/mnt')}
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {...process.env, DSYNTH_BENCH_REQUEST: JSON.stringify(full)}
    delete env.NODE_OPTIONS
    const child = spawn('unshare', ['--mount', '--propagation', 'private', process.execPath, '--import', 'tsx', WORKER], {
      cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let errBuf = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      errBuf += d
      const lines = errBuf.split('\n')
      errBuf = lines.pop()!
      for (const l of lines) log(l)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (errBuf) log(errBuf)
      const last = out.trim().split('\n').pop() ?? ''
      try {
        const res = JSON.parse(last) as WorkerResult & {error?: string}
        if (res.error) reject(new Error(`scenario ${req.scenario}: ${res.error}`))
        else if (code !== 0) reject(new Error(`scenario ${req.scenario} exited ${code}`))
        else resolve(res)
      } catch {
        reject(new Error(`scenario ${req.scenario} exited ${code} without a result: ${out.slice(-2000)}`))
      }
    })
  })
}
