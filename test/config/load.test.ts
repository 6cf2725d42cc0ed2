import {chmod, mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {loadConfig} from '../../src/config/load.js'
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

const INI = '[Global Configuration]\nprofile_selected= LiveSystem\n[LiveSystem]\nNumber_of_builders= 3\n[Other]\nNumber_of_builders= 5\n'

describe('config/load: loadConfig', () => {
  let tmp: string
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'dsynth-config-'))
  })
  afterEach(async () => {
    await rm(tmp, {recursive: true, force: true})
  })

  it('reads --config and records the file and its directory', async () => {
    const file = path.join(tmp, 'dsynth.ini')
    await writeFile(file, INI)
    const c = await loadConfig({configPath: file, env: {}, cpuCount: 2})
    expect([c.file, c.configBase, c.builders, c.profile]).to.deep.equal([file, tmp, 3, 'LiveSystem'])
  })

  it('takes the profile from --profile, then DSYNTH_PROFILE', async () => {
    const file = path.join(tmp, 'dsynth.ini')
    await writeFile(file, INI)
    const byEnv = await loadConfig({configPath: file, env: {DSYNTH_PROFILE: 'Other'}, cpuCount: 2})
    expect([byEnv.profile, byEnv.profileSource, byEnv.builders]).to.deep.equal(['Other', 'env', 5])
    const byFlag = await loadConfig({configPath: file, profile: 'LiveSystem', env: {DSYNTH_PROFILE: 'Other'}, cpuCount: 2})
    expect([byFlag.profile, byFlag.profileSource, byFlag.builders]).to.deep.equal(['LiveSystem', 'flag', 3])
  })

  it('searches the paths in order and uses the first that exists', async () => {
    // GIVEN the first search path missing and the second and third present
    const second = path.join(tmp, 'usr-local', 'dsynth.ini')
    const third = path.join(tmp, 'third.ini')
    await mkdir(path.dirname(second))
    await writeFile(second, INI)
    await writeFile(third, '[LiveSystem]\nNumber_of_builders= 9\n')
    // WHEN loading without --config
    const c = await loadConfig({searchPaths: [path.join(tmp, 'etc', 'dsynth.ini'), second, third], env: {}, cpuCount: 2})
    // THEN the second one is read
    expect([c.file, c.builders]).to.deep.equal([second, 3])
  })

  it('falls back to the defaults with the no-config warning when nothing is found', async () => {
    const c = await loadConfig({searchPaths: [path.join(tmp, 'none.ini')], env: {}, cpuCount: 5})
    expect(c.file).to.equal(null)
    expect(c.directories.buildbase).to.equal('/build')
    expect(c.builders).to.equal(5)
    expect(c.warnings[1]).to.equal('Using defaults: 5 workers (detected from CPU count)')
    expect(c.operatingSystem).to.equal(os.type())
  })

  it('records a profile asked for even when running on defaults', async () => {
    const c = await loadConfig({searchPaths: [], env: {DSYNTH_PROFILE: 'Test'}, cpuCount: 1})
    expect([c.profile, c.profileSource]).to.deep.equal(['Test', 'env'])
  })

  it('defaults cpuCount to the machine', async () => {
    const c = await loadConfig({searchPaths: [], env: {}})
    expect(c.builders).to.equal(Math.min(16, Math.max(1, os.availableParallelism())))
  })

  it('--config that does not exist is CONFIG_UNREADABLE naming the file', async () => {
    const file = path.join(tmp, 'missing.ini')
    const e = await rejectConfigError(loadConfig({configPath: file, env: {}}), 'CONFIG_UNREADABLE')
    expect(e.message).to.equal(`${file}: cannot read config file: no such file (ENOENT)`)
  })

  it('--config naming a directory is CONFIG_UNREADABLE (EISDIR)', async () => {
    const e = await rejectConfigError(loadConfig({configPath: tmp, env: {}}), 'CONFIG_UNREADABLE')
    expect(e.message).to.equal(`${tmp}: cannot read config file: is a directory (EISDIR)`)
  })

  it('an unreadable file is CONFIG_UNREADABLE (EACCES), also during the search', async () => {
    const file = path.join(tmp, 'dsynth.ini')
    await writeFile(file, INI)
    await chmod(file, 0o000)
    await chmod(tmp, 0o755)
    // root reads anything: as root, read as nobody for the length of the test (seteuid applies to every thread)
    const asRoot = process.geteuid?.() === 0
    if (asRoot) process.seteuid!(65534)
    try {
      const e = await rejectConfigError(loadConfig({configPath: file, env: {}}), 'CONFIG_UNREADABLE')
      expect(e.message).to.equal(`${file}: cannot read config file: permission denied (EACCES)`)
      await rejectConfigError(loadConfig({searchPaths: [file], env: {}}), 'CONFIG_UNREADABLE')
    } finally {
      if (asRoot) process.seteuid!(0)
    }
  })

  it('a file present but unreadable stops the search instead of being skipped', async () => {
    const loop = path.join(tmp, 'loop.ini')
    const later = path.join(tmp, 'later.ini')
    await symlink(loop, loop)
    await writeFile(later, INI)
    const e = await rejectConfigError(loadConfig({searchPaths: [loop, later], env: {}}), 'CONFIG_UNREADABLE')
    expect(e.message).to.equal(`${loop}: cannot read config file: too many symbolic links (ELOOP)`)
  })

  it('a parse error names the absolute file and line', async () => {
    const file = path.join(tmp, 'dsynth.ini')
    await writeFile(file, '[LiveSystem]\nTmpfs_workdir= false\n')
    const e = await rejectConfigError(loadConfig({configPath: file, env: {}}), 'CONFIG_UNSUPPORTED')
    expect(e.message).to.equal(`${file}:2: Tmpfs_workdir must be set to true, 'false' not supported`)
  })

  it('resolveBuildBase refuses a build base that is a symlink into a system directory', async () => {
    // GIVEN a build base that is a symlink to /usr
    const link = path.join(tmp, 'build')
    await symlink('/usr', link)
    const file = path.join(tmp, 'dsynth.ini')
    await writeFile(file, `[LiveSystem]\nDirectory_buildbase= ${link}\n`)
    // WHEN loading with resolveBuildBase
    const e = await rejectConfigError(loadConfig({configPath: file, env: {}, resolveBuildBase: true}), 'CONFIG_SYSTEM_DIR')
    // THEN the error names the file, the configured path and the target
    expect(e.message).to.equal(`${file}:2: Directory_buildbase '${link}' is a symlink into system directory '/usr'`)
    // AND without resolveBuildBase the configured path is kept
    expect((await loadConfig({configPath: file, env: {}})).directories.buildbase).to.equal(link)
  })

  it('resolveBuildBase refuses a build base that does not exist yet below a symlink into a system directory', async () => {
    // GIVEN etc -> /etc and a build base etc/dsynth-x that does not exist: apply would create it inside /etc
    await symlink('/etc', path.join(tmp, 'etc'))
    const file = path.join(tmp, 'dsynth.ini')
    await writeFile(file, `[LiveSystem]\nDirectory_buildbase= ${tmp}/etc/dsynth-x\n`)
    const e = await rejectConfigError(loadConfig({configPath: file, env: {}, resolveBuildBase: true}), 'CONFIG_SYSTEM_DIR')
    expect(e.message).to.equal(`${file}:2: Directory_buildbase '${tmp}/etc/dsynth-x' is reached through a symlink, inside system directory '/etc' (/etc/dsynth-x)`)
  })

  // [case, directory key, where its symlink points (relative to tmp or absolute), error code]
  const roles: Array<[string, string, string, string]> = [
    ['distfiles through a symlink into a slot directory', 'Directory_distfiles', 'build/SL05/dist', 'CONFIG_DIR_IN_SLOT'],
    ['packages through a symlink to /etc (mounted read-write into every slot)', 'Directory_packages', '/etc', 'CONFIG_SYSTEM_SOURCE'],
    ['options through a symlink to the build base', 'Directory_options', 'build', 'CONFIG_SOURCE_HOLDS_BASE'],
    ['the ports tree through a symlink to the parent of the build base', 'Directory_portsdir', '.', 'CONFIG_SOURCE_HOLDS_BASE'],
  ]
  for (const [name, key, to, code] of roles) {
    it(`resolveBuildBase refuses ${name} (${code}), naming the line and both paths`, async () => {
      await mkdir(path.join(tmp, 'build/SL05/dist'), {recursive: true})
      const link = path.join(tmp, 'link')
      await symlink(to.startsWith('/') ? to : path.join(tmp, to), link)
      const file = path.join(tmp, 'dsynth.ini')
      await writeFile(file, `[LiveSystem]\nDirectory_buildbase= ${tmp}/build\n${key}= ${link}\n`)
      // WHEN parsed as written, the path looks harmless; resolved, it is refused
      await loadConfig({configPath: file, env: {}})
      const e = await rejectConfigError(loadConfig({configPath: file, env: {}, resolveBuildBase: true}), code)
      expect(e.message).to.match(new RegExp(`^${file}:3: ${key} '${link}' \\(really /`))
    })
  }

  it('resolveBuildBase keeps the configured path for harmless symlinks and missing directories', async () => {
    const real = path.join(tmp, 'real')
    const link = path.join(tmp, 'link')
    await mkdir(real)
    await symlink(real, link)
    for (const base of [link, path.join(tmp, 'not-yet')]) {
      const file = path.join(tmp, 'dsynth.ini')
      await writeFile(file, `[LiveSystem]\nDirectory_buildbase= ${base}\n`)
      const c = await loadConfig({configPath: file, env: {}, resolveBuildBase: true})
      expect(c.directories.buildbase).to.equal(base)
    }
  })
})
