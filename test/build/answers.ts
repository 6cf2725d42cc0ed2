import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import type {RunOptions, RunResult} from '../../src/platform/exec.js'
import {QUERY_VARIABLES, type Runner} from '../../src/build/query.js'

/** Captured `make -V` answers: fixtures/make-v/<category>___<port>[@flavor].txt, asked with PORTSDIR=/usr/ports. */
export const CAPTURED = path.join(import.meta.dirname, 'fixtures', 'make-v')

/** Reads every captured answer, by origin. */
export function loadAnswers(dir = CAPTURED): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of readdirSync(dir)) out[f.replace('___', '/').replace(/\.txt$/, '')] = readFileSync(path.join(dir, f), 'utf8')
  return out
}

/** A 17-line answer with the given variables set and every other one empty. */
export function answer(vars: Partial<Record<(typeof QUERY_VARIABLES)[number], string>>): string {
  return QUERY_VARIABLES.map((v) => (vars[v] ?? '') + '\n').join('')
}

/** A successful RunResult with this stdout. */
export function result(argv: string[], stdout: string, exitCode = 0, stderr = ''): RunResult {
  return {argv, exitCode, signal: null, stdout, stderr, timedOut: false, pid: 1}
}

/** The origin a query argv asks about: `-C <portsdir>/<cat>/<port>` plus FLAVOR=. */
export function originOfQuery(argv: string[], portsdir: string): string {
  const dir = argv[argv.indexOf('-C') + 1].slice(portsdir.length + 1)
  const flavor = argv.find((a) => a.startsWith('FLAVOR='))
  return flavor ? `${dir}@${flavor.slice(7)}` : dir
}

/** A runner answering queries from `answers` (unknown origin: make's "no such directory", no output). */
export function answeringRunner(answers: Record<string, string>, portsdir = '/usr/ports', calls: string[][] = []): Runner {
  return async (argv: string[], _opts?: RunOptions) => {
    calls.push(argv)
    const text = answers[originOfQuery(argv, portsdir)]
    return text === undefined ? result(argv, '', 1, `make: chdir ${argv[2]}: No such file or directory\n`) : result(argv, text)
  }
}

/** What the captured py-docutils and python311 answers need besides themselves. */
export const PY_DEPS = [
  'devel/py-setuptools@py39', 'devel/py-setuptools@py311', 'devel/py-wheel@py311', 'lang/python39',
  'devel/gmake', 'devel/pkgconf', 'devel/libffi', 'devel/gettext-runtime',
]

/** Minimal answers for origins a test does not care about. */
export function stubs(origins: string[]): Record<string, string> {
  return Object.fromEntries(origins.map((o) => [o, answer({PKGVERSION: '1', 'PKGFILE:T': `${o.replace(/[/@]/g, '-')}-1.pkg`})]))
}
