import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {MAKE_CONF_TEXT, initConfig, listInitDirectories, renderInitFile} from '../../src/config/init.js'
import {parseConfig} from '../../src/config/parse.js'
import {ConfigError} from '../../src/errors.js'

/** Awaits `promise`, asserts it rejects with a ConfigError with exit 1 and this code, and returns it. */
async function rejectConfigError(promise: Promise<unknown>, code: string): Promise<ConfigError> {
  const error = await promise.then(
    () => expect.fail(`expected ConfigError ${code}, the promise resolved`),
    (e: unknown) => e,
  )
  expect(error).to.be.instanceOf(ConfigError)
  expect((error as ConfigError).code, (error as Error).message).to.equal(code)
  expect((error as ConfigError).exit).to.equal(1)
  return error as ConfigError
}

/** C dsynth's init output (dsynth.md §1.4), verbatim. */
const C_INIT_TEXT = `; This Synth configuration file is automatically generated
; Take care when hand editing!

[Global Configuration]
profile_selected= LiveSystem

[LiveSystem]
Operating_system= DragonFly
Directory_packages= /build/synth/live_packages
Directory_repository= /build/synth/live_packages/All
Directory_portsdir= /build/synth/dports
Directory_options= /build/synth/options
Directory_distfiles= /build/synth/distfiles
Directory_buildbase= /build/synth/build
Directory_logs= /build/synth/logs
Directory_ccache= disabled
Directory_system= /
Package_suffix= .txz
Number_of_builders= 0
Max_jobs_per_builder= 0
Tmpfs_workdir= true
Tmpfs_localbase= true
Display_with_ncurses= true
leverage_prebuilt= false
; Meta_version= 2
; Check_plist= false
; Numa_setsize= 2

`

describe('config/init: renderInitFile', () => {
  it('reproduces C dsynth init output exactly on DragonFly', () => {
    expect(renderInitFile({platform: 'dragonfly'})).to.equal(C_INIT_TEXT)
  })

  // [platform, Operating_system]
  const systems: Array<['dragonfly' | 'freebsd' | 'linux', string]> = [['dragonfly', 'DragonFly'], ['freebsd', 'FreeBSD'], ['linux', 'Linux']]
  for (const [platform, name] of systems) {
    it(`round-trips through parseConfig on ${platform}`, () => {
      const text = renderInitFile({platform})
      expect(text).to.equal(C_INIT_TEXT.replace('Operating_system= DragonFly', `Operating_system= ${name}`))
      const c = parseConfig(text, {file: 'dsynth.ini', cpuCount: 6})
      expect(c).to.deep.include({operatingSystem: name, profile: 'LiveSystem', profileSource: 'profile_selected', builders: 6, buildersSource: 'cpu', maxJobs: 6, warnings: []})
      expect(c.directories.buildbase).to.equal('/build/synth/build')
      expect(c.directories.portsdir).to.equal('/build/synth/dports')
    })
  }

  it('moves every directory under synthDir, trailing slash or not', () => {
    const text = renderInitFile({platform: 'dragonfly', synthDir: '/data/synth/'})
    expect(text).to.equal(C_INIT_TEXT.replaceAll('/build/synth/', '/data/synth/'))
  })

  it('replaces only Directory_buildbase when a build base is given, and names the profile', () => {
    const text = renderInitFile({platform: 'linux', buildBase: '/srv/dsynth', profile: 'Test'})
    const c = parseConfig(text, {file: 'dsynth.ini', cpuCount: 2})
    expect([c.profile, c.directories.buildbase, c.directories.packages]).to.deep.equal(['Test', '/srv/dsynth', '/build/synth/live_packages'])
    expect(text.split('\n').filter((l, i) => l !== C_INIT_TEXT.split('\n')[i])).to.deep.equal([
      'profile_selected= Test', '[Test]', 'Operating_system= Linux', 'Directory_buildbase= /srv/dsynth',
    ])
  })
})

describe('config/init: listInitDirectories', () => {
  const dirs = {packages: '/p', repository: '/p/All', portsdir: '/d', options: '/o', distfiles: '/f', buildbase: '/b', logs: '/l', ccache: null, system: '/'}
  it('lists the named directories in file order, never the system directory', () => {
    expect(listInitDirectories(dirs)).to.deep.equal(['/p', '/p/All', '/d', '/o', '/f', '/b', '/l'])
  })
  it('adds ccache only when enabled', () => {
    expect(listInitDirectories({...dirs, ccache: '/c'})).to.deep.equal(['/p', '/p/All', '/d', '/o', '/f', '/b', '/l', '/c'])
  })
})

describe('config/init: initConfig', () => {
  let tmp: string
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'dsynth-init-'))
  })
  afterEach(async () => {
    await rm(tmp, {recursive: true, force: true})
  })

  it('writes dsynth.ini and the make.conf, creates every named directory, and reloads', async () => {
    // GIVEN an empty temp dir holding the config directory and the synth directories
    const file = path.join(tmp, 'etc', 'dsynth', 'dsynth.ini')
    const synthDir = path.join(tmp, 'synth')
    const buildBase = path.join(tmp, 'build')
    // WHEN init runs
    const result = await initConfig({path: file, force: false, platform: 'freebsd', buildBase, synthDir})
    // THEN both files are written
    const makeConf = path.join(tmp, 'etc', 'dsynth', 'LiveSystem-make.conf')
    expect(result.written).to.deep.equal([file, makeConf])
    expect(await readFile(file, 'utf8')).to.equal(renderInitFile({platform: 'freebsd', buildBase, synthDir}))
    expect(await readFile(makeConf, 'utf8')).to.equal(MAKE_CONF_TEXT)
    // AND the config directory and every directory the file names are created, in file order
    const named = ['live_packages', 'live_packages/All', 'dports', 'options', 'distfiles'].map((d) => path.join(synthDir, d))
    expect(result.created).to.deep.equal([path.dirname(file), ...named, buildBase, path.join(synthDir, 'logs')])
    for (const dir of result.created) expect((await stat(dir)).isDirectory(), dir).to.equal(true)
    // AND the file parses back to the same directories
    const c = parseConfig(await readFile(file, 'utf8'), {file, cpuCount: 1})
    expect([c.directories.buildbase, c.directories.repository]).to.deep.equal([buildBase, path.join(synthDir, 'live_packages/All')])
  })

  it('reports only the directories that were missing, all under synthDir', async () => {
    const file = path.join(tmp, 'dsynth.ini')
    const synthDir = path.join(tmp, 'synth')
    await mkdir(path.join(synthDir, 'logs'), {recursive: true})
    const result = await initConfig({path: file, force: false, platform: 'linux', synthDir})
    expect(result.created).to.not.include(tmp)
    expect(result.created).to.not.include(path.join(synthDir, 'logs'))
    expect(result.created).to.include(path.join(synthDir, 'build'))
    expect(result.created.every((d) => d.startsWith(synthDir + '/'))).to.equal(true)
  })

  it('refuses to overwrite an existing dsynth.ini without --force and leaves it untouched', async () => {
    const file = path.join(tmp, 'dsynth.ini')
    await writeFile(file, 'mine\n')
    const e = await rejectConfigError(initConfig({path: file, force: false, platform: 'linux', buildBase: path.join(tmp, 'b'), synthDir: path.join(tmp, 's')}), 'CONFIG_EXISTS')
    expect(e.message).to.equal(`${file} already exists; init will not overwrite it without --force`)
    expect(e.suggestions.join(' ')).to.contain('--force')
    expect(await readFile(file, 'utf8')).to.equal('mine\n')
  })

  it('--force overwrites dsynth.ini but keeps an existing make.conf', async () => {
    const file = path.join(tmp, 'dsynth.ini')
    const makeConf = path.join(tmp, 'LiveSystem-make.conf')
    await writeFile(file, 'old\n')
    await writeFile(makeConf, 'WITH_DEBUG=yes\n')
    const result = await initConfig({path: file, force: true, platform: 'linux', buildBase: path.join(tmp, 'b'), synthDir: path.join(tmp, 's')})
    expect(result.written).to.deep.equal([file])
    expect(await readFile(file, 'utf8')).to.equal(renderInitFile({platform: 'linux', buildBase: path.join(tmp, 'b'), synthDir: path.join(tmp, 's')}))
    expect(await readFile(makeConf, 'utf8')).to.equal('WITH_DEBUG=yes\n')
  })

  it('refuses a directory at the config path even with --force', async () => {
    const file = path.join(tmp, 'dsynth.ini')
    await mkdir(file)
    const e = await rejectConfigError(initConfig({path: file, force: true, platform: 'linux', buildBase: path.join(tmp, 'b'), synthDir: path.join(tmp, 's')}), 'CONFIG_EXISTS')
    expect(e.message).to.equal(`${file} is a directory; init writes a file there`)
  })

  it('rejects a bad build base before writing anything', async () => {
    const file = path.join(tmp, 'etc', 'dsynth.ini')
    const e = await rejectConfigError(initConfig({path: file, force: false, platform: 'linux', buildBase: '/usr', synthDir: path.join(tmp, 's')}), 'CONFIG_SYSTEM_DIR')
    expect(e.message).to.equal(`${file}:14: Directory_buildbase '/usr' is a system directory; build slots are created and removed inside it`)
    const exists = await stat(path.dirname(file)).then(() => true, () => false)
    expect(exists).to.equal(false)
  })

  it('reports an unwritable directory as CONFIG_UNWRITABLE naming it', async () => {
    const blocker = path.join(tmp, 'file')
    await writeFile(blocker, '')
    const file = path.join(tmp, 'dsynth.ini')
    const e = await rejectConfigError(initConfig({path: file, force: false, platform: 'linux', buildBase: path.join(blocker, 'build'), synthDir: path.join(tmp, 's')}), 'CONFIG_UNWRITABLE')
    expect(e.message).to.equal(`${blocker}/build: cannot create directory: ${blocker} exists and is not a directory`)
    // AND nothing was written or created: not the config, not a directory before the one that fails
    expect(await readdir(tmp)).to.deep.equal(['file'])
  })
})
