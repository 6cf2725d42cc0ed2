import {expect} from 'chai'
import {mkdirSync, utimesSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import type {BuildGraph, PortNode} from '../../src/build/types.js'
import {findUpToDate, newestMtime, readFreshness, type Freshness} from '../../src/build/uptodate.js'
import {scratchDir} from '../helpers/scratch.js'

const node = (origin: string, deps: string[] = [], over: Partial<PortNode> = {}): PortNode => ({
  origin, portdir: origin.split('@')[0], flavor: null, pkgfile: `${origin.replace(/[/@]/g, '-')}.pkg`, version: '1',
  ignore: null, dummy: false, meta: false, deps: deps.map((d) => ({origin: d, kinds: ['run']})), ...over,
})
const graphOf = (...nodes: PortNode[]): BuildGraph => ({roots: [nodes[0].origin], nodes: Object.fromEntries(nodes.map((n) => [n.origin, n]))})
const fresh = (pkg: number | null, port = 100): Freshness => ({packageMtime: pkg, portMtime: port})

describe('build/uptodate', () => {
  const g = graphOf(node('a/app', ['a/lib']), node('a/lib'))
  // [name, freshness, forced, expected up-to-date set]
  const cases: [string, Record<string, Freshness>, string[], string[]][] = [
    ['both packages newer than their ports', {'a/app': fresh(200), 'a/lib': fresh(200)}, [], ['a/app', 'a/lib']],
    ['no package for the app', {'a/app': fresh(null), 'a/lib': fresh(200)}, [], ['a/lib']],
    ['a port file newer than the package', {'a/app': fresh(200), 'a/lib': fresh(200, 300)}, [], []],
    ['same mtime is not newer', {'a/app': fresh(200), 'a/lib': fresh(100)}, [], []],
    ['--force on the app', {'a/app': fresh(200), 'a/lib': fresh(200)}, ['a/app'], ['a/lib']],
  ]
  for (const [name, f, forced, expected] of cases) {
    it(name, () => expect([...findUpToDate(g, f, new Set(forced))].sort()).to.deep.equal(expected))
  }

  it('never counts an ignored port, nor anything above it, as up to date', () => {
    const gi = graphOf(node('a/app', ['a/ign']), node('a/ign', [], {ignore: 'broken'}))
    expect([...findUpToDate(gi, {'a/app': fresh(200), 'a/ign': fresh(200)})]).to.deep.equal([])
  })

  it('counts a dummy node up to date when its flavors are', () => {
    const gd = graphOf(node('a/x', ['a/x@1', 'a/x@2'], {dummy: true, pkgfile: null}), node('a/x@1'), node('a/x@2'))
    expect([...findUpToDate(gd, {'a/x@1': fresh(200), 'a/x@2': fresh(200)})].sort()).to.deep.equal(['a/x', 'a/x@1', 'a/x@2'])
    expect([...findUpToDate(gd, {'a/x@1': fresh(200), 'a/x@2': fresh(null)})]).to.deep.equal(['a/x@1'])
  })

  it('reads package and port directory mtimes from disk', async () => {
    const base = scratchDir('dsynth-fresh-')
    const portsdir = path.join(base, 'ports')
    const repo = path.join(base, 'All')
    mkdirSync(path.join(portsdir, 'a/lib/files/sub'), {recursive: true})
    mkdirSync(repo)
    writeFileSync(path.join(portsdir, 'a/lib/Makefile'), '')
    writeFileSync(path.join(portsdir, 'a/lib/files/sub/patch'), '')
    utimesSync(path.join(portsdir, 'a/lib/Makefile'), 1000, 1000)
    utimesSync(path.join(portsdir, 'a/lib/files/sub/patch'), 2000, 2000)
    writeFileSync(path.join(repo, 'a-lib.pkg'), '')
    utimesSync(path.join(repo, 'a-lib.pkg'), 3000, 3000)
    expect(await newestMtime(path.join(portsdir, 'a/lib'))).to.equal(2_000_000)
    const gl = graphOf(node('a/lib'))
    const f = await readFreshness(gl, repo, portsdir)
    expect(f).to.deep.equal({'a/lib': {packageMtime: 3_000_000, portMtime: 2_000_000}})
    expect([...findUpToDate(gl, f)]).to.deep.equal(['a/lib'])
    utimesSync(path.join(portsdir, 'a/lib/files/sub/patch'), 4000, 4000)
    expect([...findUpToDate(gl, await readFreshness(gl, repo, portsdir))]).to.deep.equal([])
  })
})
