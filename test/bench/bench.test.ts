import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ITEMS = ['apply', 'noop', 'recover', 'destroy', 'startup', 'planCore', 'scheduler']

/** Runs a command in the project root; resolves with its exit status and output. */
function run(cmd: string, args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const env = {...process.env}
    delete env.NODE_OPTIONS
    execFile(cmd, args, {cwd: ROOT, env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024}, (err, stdout, stderr) => {
      resolve({code: err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : 1) : 0, stdout, stderr})
    })
  })
}

// No timings are asserted: the benchmarks only have to run and write their figures.
describe('bench: npm run bench -- --quick', function () {
  this.timeout(600_000)

  it('runs every item and writes valid JSON with the expected keys', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dsynth-bench-test-'))
    try {
      const out = path.join(dir, 'results.json')
      // `npm run bench` once package.json has the script (it builds first); the same entry point through tsx until then
      // (npm test's pretest has built dist already).
      const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {scripts?: Record<string, string>}
      const r = pkg.scripts?.bench
        ? await run('npm', ['run', '--silent', 'bench', '--', '--quick', '--out', out])
        : await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out])
      expect(r.code, r.stderr).to.equal(0)
      const res = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> & {
        items: Record<string, {title: string; skipped?: string; medians?: Record<string, number>; ratios?: Record<string, number>}>
        goals: {item: string; name: string; value: number; limit: number; met: boolean}[]
        machine: Record<string, unknown>
      }
      expect(res).to.include.keys('formatVersion', 'date', 'quick', 'runs', 'warmup', 'machine', 'goals', 'items')
      expect(res.quick).to.equal(true)
      expect(res.machine).to.include.keys('cpus', 'node', 'kernel')
      expect(Object.keys(res.items)).to.have.members(ITEMS)
      for (const name of ITEMS) {
        const item = res.items[name]
        expect(item.title, name).to.be.a('string')
        if (item.skipped) continue
        expect(item.medians, name).to.be.an('object')
        expect(item.ratios, name).to.be.an('object')
        for (const v of Object.values(item.ratios!)) expect(Number.isFinite(v), `${name}: ${JSON.stringify(item.ratios)}`).to.equal(true)
      }
      for (const g of res.goals) {
        expect(g).to.include.keys('item', 'name', 'value', 'op', 'limit', 'met')
        expect(g.met).to.be.a('boolean')
      }
      // the table of ratios is printed
      expect(r.stdout).to.match(/ratio/)
      // the mount items ran in private namespaces: the host table is what it was (the root hook checks it too)
      if (process.getuid?.() === 0 && process.platform === 'linux') expect(res.machine.hostMountTableUnchanged).to.equal(true)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
