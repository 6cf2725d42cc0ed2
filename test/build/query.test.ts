import {expect} from 'chai'
import {BuildError} from '../../src/errors.js'
import {QUERY_VARIABLES, discoverPorts, makeQuerier, parseDepends, parseQueryAnswer, queryArgv, splitOrigin} from '../../src/build/query.js'
import {PY_DEPS, answer, answeringRunner, loadAnswers, result, stubs} from './answers.js'

describe('build/query', () => {
  // [value, expected origins]
  const depends: [string, string[]][] = [
    ['', []],
    ['libgreet.a:devel/libgreet', ['devel/libgreet']],
    ['/build/empty/include/greet.h:/usr/ports/devel/libgreet:stage', ['devel/libgreet']],
    ['/nonexistent:/usr/ports/lang/python311:patch gmake>=4.3:devel/gmake', ['devel/gmake']],
    ['py311-wheel>0:devel/py-wheel@py311  python3.11:lang/python311', ['devel/py-wheel@py311', 'lang/python311']],
    ['a:x/y@f:tag a2:x/y@f', ['x/y@f']],
    ['x>0:/usr/ports/cat/port@fl:extract', ['cat/port@fl']],
  ]
  for (const [value, expected] of depends) {
    it(`parses dependencies '${value}'`, () => {
      expect(parseDepends(value, '/usr/ports', 'o/p')).to.deep.equal(expected)
    })
  }

  // [bad token, message fragment]
  const bad: [string, string][] = [
    ['nocolon', "cannot parse dependency 'nocolon'"],
    ['x:justaport', 'expected category/port'],
    ['x:/usr/portsextra/cat/port', 'expected category/port'],
    ['x:cat/port@', 'expected category/port'],
  ]
  for (const [token, msg] of bad) {
    it(`rejects dependency '${token}' naming the port`, () => {
      expect(() => parseDepends(token, '/usr/ports', 'misc/owner')).to.throw(BuildError, msg).with.property('message').that.contains('misc/owner')
    })
  }

  it('splits origins at the last @', () => {
    expect(splitOrigin('misc/goodbye@loud')).to.deep.equal({portdir: 'misc/goodbye', flavor: 'loud'})
    expect(splitOrigin('misc/goodbye')).to.deep.equal({portdir: 'misc/goodbye', flavor: null})
  })

  it('builds the query argv: -C, FLAVOR, vars, then one -V per variable in C order', () => {
    const argv = queryArgv('bmake', '/usr/ports', 'misc/goodbye@loud', {LOCALBASE: '/b/empty'})
    expect(argv.slice(0, 5)).to.deep.equal(['bmake', '-C', '/usr/ports/misc/goodbye', 'FLAVOR=loud', 'LOCALBASE=/b/empty'])
    expect(argv.slice(5)).to.deep.equal(QUERY_VARIABLES.flatMap((v) => ['-V', v]))
    expect(QUERY_VARIABLES).to.have.length(17)
    expect(QUERY_VARIABLES.slice(0, 2)).to.deep.equal(['PKGVERSION', 'PKGFILE:T'])
  })

  it('parses a captured answer (lang/python311)', () => {
    const info = parseQueryAnswer('lang/python311', loadAnswers()['lang/python311'], '/usr/ports')
    expect(info).to.deep.include({
      origin: 'lang/python311', version: '3.11.9', pkgfile: 'python311-3.11.9.pkg', allfiles: ['Python-3.11.9.tar.xz'],
      makeJobsNumber: 8, ignore: null, selectedOptions: ['IPV6', 'LIBMPDEC'], deselectedOptions: ['DEBUG', 'LTO'],
      useLinux: false, flavors: [],
    })
    expect(info.deps).to.deep.equal({
      fetch: [], extract: ['devel/gmake'], patch: [], build: ['devel/pkgconf'],
      lib: ['devel/libffi', 'devel/gettext-runtime'], run: [],
    })
    expect(info.uses).to.include('ssl')
  })

  it('parses the IGNORE line', () => {
    expect(parseQueryAnswer('misc/ignored', loadAnswers()['misc/ignored'], '/usr/ports').ignore)
      .to.equal('is marked IGNORE to show how dsynth reports it')
  })

  it('reports no answer as "port not found" naming the origin', () => {
    expect(() => parseQueryAnswer('misc/nope', '', '/usr/ports')).to.throw(BuildError, 'port not found: misc/nope')
  })

  // [stdout, description]
  const corrupt: [string, string][] = [
    ['1.0\n', 'one line'],
    [answer({}) + 'extra\n', '18 lines'],
    [answer({}).replace(/\n$/, '').split('\n').slice(1).join('\n') + '\n', '16 lines'],
  ]
  for (const [stdout, what] of corrupt) {
    it(`reports ${what} as a corrupt answer`, () => {
      expect(() => parseQueryAnswer('misc/x', stdout, '/usr/ports')).to.throw(BuildError, 'corrupt answer for misc/x')
        .with.property('code', 'BUILD_CORRUPT_PORT')
    })
  }

  it('runs at most `concurrency` queries at once and passes env and vars', async () => {
    let active = 0
    let peak = 0
    const seen: {argv: string[]; env?: Record<string, string>}[] = []
    const query = makeQuerier({
      make: 'bmake', portsdir: '/usr/ports', concurrency: 3, env: {PORTSDIR: '/usr/ports'}, vars: {A: 'b'},
      run: async (argv, opts) => {
        seen.push({argv, env: opts?.env})
        peak = Math.max(peak, ++active)
        await new Promise((r) => setTimeout(r, 5))
        active--
        return result(argv, answer({'PKGFILE:T': 'x'}))
      },
    })
    await Promise.all(Array.from({length: 10}, (_, i) => query(`cat/p${i}`)))
    expect(peak).to.equal(3)
    expect(seen).to.have.length(10)
    expect(seen[0].env).to.deep.equal({PORTSDIR: '/usr/ports'})
    expect(seen[0].argv).to.include('A=b')
  })

  it('maps a failing make to "corrupt" and an empty one to "not found"', async () => {
    const q1 = makeQuerier({make: 'bmake', portsdir: '/p', run: async (argv) => result(argv, '1.0\n', 2, 'bmake: boom\n')})
    await expectReject(q1('a/b'), 'corrupt answer for a/b: make exited 2 (bmake: boom)')
    const q2 = makeQuerier({make: 'bmake', portsdir: '/p', run: async (argv) => result(argv, '', 1, 'bmake: chdir /p/a/b: No such file\n')})
    await expectReject(q2('a/b'), 'port not found: a/b (bmake: chdir /p/a/b: No such file)')
  })

  it('discovers every dependency; an unflavored dependency on a flavored port queries the default flavor only', async () => {
    const calls: string[][] = []
    const infos = await discoverPorts(['meta/everything'], makeQuerier({make: 'bmake', portsdir: '/usr/ports', run: answeringRunner(loadAnswers(), '/usr/ports', calls)}))
    expect(Object.keys(infos).sort()).to.deep.equal([
      'devel/libbase', 'devel/libgreet', 'devel/libmid', 'meta/everything', 'misc/broken', 'misc/goodbye',
      'misc/goodbye@loud', 'misc/goodbye@quiet', 'misc/hello', 'misc/ignored', 'misc/needs-broken', 'misc/top',
    ])
    expect(calls).to.have.length(12)
  })

  it('discovers every flavor of an unflavored root', async () => {
    const infos = await discoverPorts(['textproc/py-docutils'], makeQuerier({
      make: 'bmake', portsdir: '/usr/ports',
      run: answeringRunner({...loadAnswers(), ...stubs(PY_DEPS)}),
    }))
    expect(Object.keys(infos)).to.include.members(['textproc/py-docutils', 'textproc/py-docutils@py39', 'textproc/py-docutils@py311'])
  })

  it('names the unknown dependency and who needs it', async () => {
    const answers = {'a/top': answer({'PKGFILE:T': 'top-1.pkg', RUN_DEPENDS: 'x>0:a/missing'})}
    await expectReject(discoverPorts(['a/top'], makeQuerier({make: 'bmake', portsdir: '/usr/ports', run: answeringRunner(answers)})),
      'port not found: a/missing (make: chdir /usr/ports/a/missing: No such file or directory), required by a/top')
  })
})

async function expectReject(p: Promise<unknown>, message: string): Promise<void> {
  try {
    await p
  } catch (e) {
    expect(e).to.be.instanceOf(BuildError)
    expect((e as Error).message).to.equal(message)
    return
  }
  expect.fail('expected a rejection')
}
