import {expect} from 'chai'
import {BuildError} from '../../src/errors.js'
import {assembleGraph, dependentsOf, findCycle, installOrder, topoOrder} from '../../src/build/graph.js'
import {parseQueryAnswer} from '../../src/build/query.js'
import type {PortInfo} from '../../src/build/types.js'
import {PY_DEPS, answer, loadAnswers, stubs} from './answers.js'

/** Parses captured or synthetic answers into PortInfo records (portsdir /usr/ports). */
function infosOf(answers: Record<string, string>): Record<string, PortInfo> {
  return Object.fromEntries(Object.entries(answers).map(([o, text]) => [o, parseQueryAnswer(o, text, '/usr/ports')]))
}

/** A synthetic port whose RUN_DEPENDS are `deps`. */
const port = (origin: string, deps: string[] = [], extra: Record<string, string> = {}): [string, string] =>
  [origin, answer({PKGVERSION: '1', 'PKGFILE:T': `${origin.split('/')[1]}-1.pkg`, RUN_DEPENDS: deps.map((d) => `x:${d}`).join(' '), ...extra})]

describe('build/graph', () => {
  const demo = infosOf(loadAnswers())

  it('builds the demo graph from captured answers', () => {
    const g = assembleGraph(['meta/everything'], demo)
    expect(g.roots).to.deep.equal(['meta/everything'])
    expect(Object.keys(g.nodes).sort()).to.deep.equal([
      'devel/libbase', 'devel/libgreet', 'devel/libmid', 'meta/everything', 'misc/broken', 'misc/goodbye@loud',
      'misc/goodbye@quiet', 'misc/hello', 'misc/ignored', 'misc/needs-broken', 'misc/top',
    ])
    expect(g.nodes['meta/everything']).to.deep.include({meta: true, dummy: false, pkgfile: 'everything-1.0.tgz'})
    // The unflavored misc/goodbye dependency means the default flavor.
    expect(g.nodes['meta/everything'].deps.map((d) => d.origin)).to.deep.equal([
      'misc/goodbye@loud', 'misc/goodbye@quiet', 'misc/hello', 'misc/ignored', 'misc/needs-broken', 'misc/top',
    ])
    // EXTRACT_DEPENDS with the ports-tree prefix and a tag merge with LIB_DEPENDS; /nonexistent is dropped.
    expect(g.nodes['misc/hello'].deps).to.deep.equal([{origin: 'devel/libgreet', kinds: ['extract', 'lib']}])
    expect(g.nodes['misc/goodbye@loud']).to.deep.include({portdir: 'misc/goodbye', flavor: 'loud', pkgfile: 'goodbye-loud-1.0.tgz'})
    expect(g.nodes['misc/ignored'].ignore).to.equal('is marked IGNORE to show how dsynth reports it')
  })

  it('makes an unflavored root of a flavored port a dummy node over every flavor', () => {
    const g = assembleGraph(['textproc/py-docutils'], infosOf({...loadAnswers(), ...stubs(PY_DEPS)}))
    expect(g.nodes['textproc/py-docutils']).to.deep.include({dummy: true, pkgfile: null, flavor: null})
    expect(g.nodes['textproc/py-docutils'].deps.map((d) => d.origin)).to.deep.equal(['textproc/py-docutils@py311', 'textproc/py-docutils@py39'])
    expect(g.nodes['textproc/py-docutils@py311'].deps.map((d) => d.origin)).to.deep.equal([
      'devel/py-setuptools@py311', 'devel/py-wheel@py311', 'lang/python311',
    ])
    expect(g.nodes['textproc/py-docutils@py311'].deps[2]).to.deep.equal({origin: 'lang/python311', kinds: ['build', 'run']})
  })

  it('names an unknown origin and the port that needs it', () => {
    const infos = infosOf(Object.fromEntries([port('a/top', ['a/gone'])]))
    expect(() => assembleGraph(['a/top'], infos)).to.throw(BuildError, 'port not found: a/gone, required by a/top')
    expect(() => assembleGraph(['a/nothing'], infos)).to.throw(BuildError, 'port not found: a/nothing')
  })

  // [edges, roots, expected cycle message]
  const cycles: [[string, string[]][], string[], string][] = [
    [[['a/a', ['a/b']], ['a/b', ['a/c']], ['a/c', ['a/a']]], ['a/a'], 'dependency cycle: a/a -> a/b -> a/c -> a/a'],
    [[['a/a', ['a/a']]], ['a/a'], 'dependency cycle: a/a -> a/a'],
    [[['a/top', ['a/x']], ['a/x', ['a/y']], ['a/y', ['a/x']]], ['a/top'], 'dependency cycle: a/x -> a/y -> a/x'],
  ]
  for (const [edges, roots, message] of cycles) {
    it(`reports ${message}`, () => {
      const infos = infosOf(Object.fromEntries(edges.map(([o, d]) => port(o, d))))
      expect(() => assembleGraph(roots, infos)).to.throw(BuildError, message).with.property('code', 'BUILD_CYCLE')
    })
  }

  it('finds no cycle in the demo graph and orders dependencies first', () => {
    const g = assembleGraph(['meta/everything'], demo)
    expect(findCycle(g)).to.equal(null)
    const order = topoOrder(g)
    for (const n of Object.values(g.nodes)) for (const d of n.deps) expect(order.indexOf(d.origin)).to.be.lessThan(order.indexOf(n.origin))
    expect(dependentsOf(g)['devel/libgreet']).to.deep.equal(['misc/goodbye@loud', 'misc/goodbye@quiet', 'misc/hello'])
  })

  it('installs direct dependencies of every kind, and below them only LIB and RUN ones, dependencies first', () => {
    const infos = infosOf(Object.fromEntries([
      port('a/top', [], {BUILD_DEPENDS: 'x:a/tool', LIB_DEPENDS: 'x:a/lib'}),
      port('a/tool', [], {BUILD_DEPENDS: 'x:a/tool-build-only', RUN_DEPENDS: 'x:a/tool-run'}),
      port('a/lib', [], {LIB_DEPENDS: 'x:a/base', FETCH_DEPENDS: 'x:a/fetcher'}),
      port('a/tool-build-only'), port('a/tool-run'), port('a/base'), port('a/fetcher'),
    ]))
    const g = assembleGraph(['a/top'], infos)
    expect(installOrder(g, 'a/top')).to.deep.equal(['a/base', 'a/lib', 'a/tool-run', 'a/tool'])
    expect(installOrder(assembleGraph(['meta/everything'], demo), 'misc/top')).to.deep.equal(['devel/libbase', 'devel/libmid'])
  })

  it('is plain data', () => {
    const g = assembleGraph(['meta/everything'], demo)
    expect(JSON.parse(JSON.stringify(g))).to.deep.equal(g)
  })
})
