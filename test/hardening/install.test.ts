import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, readdir, readFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {REPO, trackTempDir} from '../helpers/namespace.js'

/** Runs a command; never rejects (the exit status is in the result). */
function run(cmd: string, args: string[], opts: {cwd?: string; env?: Record<string, string>} = {}): Promise<{code: number; out: string}> {
  return new Promise((resolve) => {
    execFile(cmd, args, {cwd: opts.cwd ?? REPO, env: {...process.env, ...opts.env}, maxBuffer: 16 << 20, timeout: 240_000}, (err, stdout, stderr) => {
      resolve({code: err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : 1) : 0, out: stdout + stderr})
    })
  })
}

/** Names of every package installed below `dir` (node_modules trees, nested ones too). */
async function installedPackages(dir: string): Promise<Set<string>> {
  const found = new Set<string>()
  const walk = async (nm: string): Promise<void> => {
    let names: string[]
    try { names = await readdir(nm) } catch { return }
    for (const n of names) {
      if (n.startsWith('.')) continue
      const scoped = n.startsWith('@') ? (await readdir(path.join(nm, n))).map((s) => `${n}/${s}`) : [n]
      for (const name of scoped) {
        found.add(name)
        await walk(path.join(nm, name, 'node_modules'))
      }
    }
  }
  await walk(path.join(dir, 'node_modules'))
  return found
}

// A clean install as a user gets it: the packed tarball installed globally on an empty prefix. Uses the npm cache that
// `npm ci` filled (--prefer-offline); the build of `npm test` (pretest) made dist/.
describe('a clean install: npm pack, then npm install -g on an empty prefix', function () {
  this.timeout(300_000)
  let prefix = ''
  let bin = ''
  const env: Record<string, string> = {}

  before(async function () {
    if (!existsSync(path.join(REPO, 'dist/src/cli.js'))) throw new Error('dist/ is missing: run `npm run build` first')
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'dsynth-install-'))
    trackTempDir(tmp)
    prefix = path.join(tmp, 'prefix')
    bin = path.join(prefix, 'bin/dsynth')
    // a home and cache of its own: nothing is written to the caller's ~/.cache
    Object.assign(env, {HOME: path.join(tmp, 'home'), XDG_CACHE_HOME: path.join(tmp, 'cache'), XDG_CONFIG_HOME: path.join(tmp, 'config'),
      NO_COLOR: '1', npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm')})
    // --ignore-scripts: `prepare` would rebuild dist/ under other tests' feet
    const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {env})
    expect(pack.code, pack.out).to.equal(0)
    const [{filename, files}] = JSON.parse(pack.out.slice(pack.out.indexOf('['))) as Array<{filename: string; files: Array<{path: string}>}>
    expect(files.map((f) => f.path)).to.include.members(['bin/run.js', 'bin/load.cjs', 'dist/src/cli.js', 'dist/src/cli.js.cache', 'dist/package.json', 'oclif.manifest.json', 'package.json', 'README.md'])
    expect(files.filter((f) => f.path.startsWith('test/') || f.path.startsWith('src/') || f.path.startsWith('node_modules/'))).to.deep.equal([])
    const install = await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(tmp, filename)], {cwd: tmp, env})
    expect(install.code, install.out).to.equal(0)
  })

  it('installs the production dependencies and none of the development ones', async () => {
    const pkg = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as {dependencies: Record<string, string>; devDependencies: Record<string, string>}
    const installed = await installedPackages(path.join(prefix, 'lib/node_modules/dsynth'))
    expect([...installed].filter((n) => n in pkg.devDependencies)).to.deep.equal([])
    for (const dep of Object.keys(pkg.dependencies)) expect(installed.has(dep), dep).to.equal(true)
    for (const dev of ['mocha', 'typescript', 'tsx', 'esbuild', 'fast-check', 'chai']) expect(installed.has(dev), dev).to.equal(false)
  })

  it('dsynth --help lists the commands', async () => {
    const r = await run(bin, ['--help'], {env})
    expect(r.code, r.out).to.equal(0)
    for (const c of ['apply', 'build', 'destroy', 'doctor', 'force-unlock', 'init', 'plan', 'status']) expect(r.out).to.match(new RegExp(`^ {2}${c} `, 'm'))
  })

  it('dsynth plan --help shows the flags and the examples', async () => {
    const r = await run(bin, ['plan', '--help'], {env})
    expect(r.code, r.out).to.equal(0)
    expect(r.out).to.match(/EXAMPLES\n {2}\$ dsynth plan\n/)
    expect(r.out).to.contain('$ dsynth plan --mounts mounts.txt --platform dragonfly --config dsynth.ini')
    expect(r.out).to.match(/--detailed-exitcode/)
  })

  it('dsynth plan --mounts <captured table> plans the seed report', async () => {
    const r = await run(bin, ['plan', '--mounts', path.join(REPO, 'test/fixtures/mounttables/seed-tripled.txt'), '--platform', 'dragonfly',
      '--config', path.join(REPO, 'test/fixtures/config/seed-tripled.ini')], {cwd: os.tmpdir(), env})
    expect(r.code, r.out).to.equal(0)
    expect(r.out).to.match(/SL00 {2}stacked: 3 layers, 66 mounts/)
    expect(r.out).to.contain('Plan: 154 to mount, 0 to remount, 44 to unmount.')
  })

  it('shell completion works (the autocomplete commands of @oclif/plugin-autocomplete)', async () => {
    const refresh = await run(bin, ['autocomplete', '--refresh-cache'], {env})
    expect(refresh.code, refresh.out).to.equal(0)
    const script = `source ${env.XDG_CACHE_HOME}/dsynth/autocomplete/bash_setup
f=$(complete -p dsynth | sed -E 's/.*-F ([^ ]+).*/\\1/')
comp() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}; COMPREPLY=(); $f; echo "[$*] -> \${COMPREPLY[*]}"; }
comp dsynth pl
comp dsynth plan --detailed`
    const r = await run('bash', ['-c', script], {env: {...env, PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}`}})
    expect(r.out).to.contain('[dsynth pl] -> plan')
    expect(r.out).to.contain('[dsynth plan --detailed] -> --detailed-exitcode')
  })
})
