import {expect} from 'chai'
import {parseConfig, splitSections} from '../../src/config/parse.js'
import {ConfigError} from '../../src/errors.js'

/** Global section selecting LiveSystem, then the [LiveSystem] header: the first body line is line 5. */
const HEAD = '[Global Configuration]\nprofile_selected= LiveSystem\n\n[LiveSystem]\n'

/** Parses `text` as dsynth.ini on an 8-CPU machine. */
function parse(text: string, extra: {profile?: string; envProfile?: string; cpuCount?: number} = {}) {
  return parseConfig(text, {file: 'dsynth.ini', cpuCount: 8, ...extra})
}

/** Runs `fn`, asserts it throws a ConfigError with exit 1 and this code, and returns it. */
function catchConfigError(fn: () => unknown, code: string): ConfigError {
  try {
    fn()
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError)
    expect((error as ConfigError).code, (error as Error).message).to.equal(code)
    expect((error as ConfigError).exit).to.equal(1)
    return error as ConfigError
  }
  return expect.fail(`expected ConfigError ${code}, nothing was thrown`)
}

describe('config/parse: parseConfig errors', () => {
  // [case, dsynth.ini text, error code, exact message, suggestions (undefined = not checked)]
  const cases: Array<[string, string, string, string, string[]?]> = [
    ['unknown key in the profile', HEAD + 'Number_of_Builder= 8\n', 'CONFIG_UNKNOWN_KEY',
      "dsynth.ini:5: unknown key 'Number_of_Builder' in [LiveSystem]", ["did you mean 'Number_of_builders'?"]],
    ['key differing only by case', HEAD + 'directory_logs= /l\n', 'CONFIG_UNKNOWN_KEY',
      "dsynth.ini:5: unknown key 'directory_logs' in [LiveSystem]", ["did you mean 'Directory_logs'?", 'keys and profile names are case-sensitive']],
    ['unknown key in Global', '[Global Configuration]\nprofile_selectd= LiveSystem\n', 'CONFIG_UNKNOWN_KEY',
      "dsynth.ini:2: unknown key 'profile_selectd' in [Global Configuration]", ["did you mean 'profile_selected'?"]],
    ['go-synth README key', HEAD + 'Max_jobs= 4\n', 'CONFIG_UNKNOWN_KEY',
      "dsynth.ini:5: unknown key 'Max_jobs' in [LiveSystem]", ["did you mean 'Max_jobs_per_builder'?"]],
    ['nonsense key: no suggestion', HEAD + 'Frobnicate= 1\n', 'CONFIG_UNKNOWN_KEY',
      "dsynth.ini:5: unknown key 'Frobnicate' in [LiveSystem]", []],
    ['profile_selected inside a profile', HEAD + 'profile_selected= X\n', 'CONFIG_UNKNOWN_KEY',
      "dsynth.ini:5: unknown key 'profile_selected' in [LiveSystem]", ['profile_selected belongs in [Global Configuration]']],
    ['empty value', HEAD + 'Directory_ccache=\n', 'CONFIG_VALUE_MISSING', "dsynth.ini:5: value missing for key 'Directory_ccache'"],
    ['only a comment after =', HEAD + 'Directory_ccache= ; later\n', 'CONFIG_VALUE_MISSING', "dsynth.ini:5: value missing for key 'Directory_ccache'"],
    ['no = at all', HEAD + 'Number_of_builders 8\n', 'CONFIG_VALUE_MISSING',
      "dsynth.ini:5: value missing for key 'Number_of_builders 8' (expected Key= value)"],
    ['empty value in an ignored section', HEAD + '[Elsewhere]\nWhatever=\n', 'CONFIG_VALUE_MISSING', "dsynth.ini:6: value missing for key 'Whatever'"],
    ['value with a space', HEAD + 'Directory_packages= /my packages\n', 'CONFIG_VALUE_SPACES',
      "dsynth.ini:5: value of 'Directory_packages' contains spaces: '/my packages'; C dsynth would have read only '/my'"],
    ['bad boolean', HEAD + 'Check_plist= yes\n', 'CONFIG_BAD_BOOLEAN', "dsynth.ini:5: Check_plist: boolean not one of 0/1/true/false: 'yes'"],
    ['garbage integer', HEAD + 'Number_of_builders= 8x\n', 'CONFIG_BAD_INTEGER', "dsynth.ini:5: Number_of_builders: not an integer: '8x'"],
    ['invalid octal', HEAD + 'Max_jobs_per_builder= 08\n', 'CONFIG_BAD_INTEGER', "dsynth.ini:5: Max_jobs_per_builder: not an integer: '08'",
      ['a leading 0 means octal, as in C strtol']],
    ['garbage Meta_version', HEAD + 'Meta_version= two\n', 'CONFIG_BAD_INTEGER', "dsynth.ini:5: Meta_version: not an integer: 'two'"],
    ['builders negative', HEAD + 'Number_of_builders= -1\n', 'CONFIG_RANGE', "dsynth.ini:5: Number_of_builders must range 1..1024, got '-1'"],
    ['builders too many', HEAD + 'Number_of_builders= 1025\n', 'CONFIG_RANGE', "dsynth.ini:5: Number_of_builders must range 1..1024, got '1025'"],
    ['jobs too many', HEAD + 'Max_jobs_per_builder= 8193\n', 'CONFIG_RANGE', "dsynth.ini:5: Max_jobs_per_builder must range 1..8192, got '8193'"],
    ['jobs negative (hex)', HEAD + 'Max_jobs_per_builder= -0x1\n', 'CONFIG_RANGE', "dsynth.ini:5: Max_jobs_per_builder must range 1..8192, got '-0x1'"],
    ['tmpfs workdir off', HEAD + 'Tmpfs_workdir= false\n', 'CONFIG_UNSUPPORTED', "dsynth.ini:5: Tmpfs_workdir must be set to true, 'false' not supported"],
    ['tmpfs localbase 0', HEAD + 'Tmpfs_localbase= 0\n', 'CONFIG_UNSUPPORTED',
      "dsynth.ini:5: Tmpfs_localbase must be set to true, 'false' not supported (value '0')"],
    ['leverage_prebuilt on', HEAD + 'leverage_prebuilt= TRUE\n', 'CONFIG_UNSUPPORTED',
      "dsynth.ini:5: leverage_prebuilt not supported and must be set to false, got 'TRUE'"],
    ['package suffix', HEAD + 'Package_suffix= .zip\n', 'CONFIG_BAD_VALUE', "dsynth.ini:5: Package_suffix must be one of .tgz .tar .txz .tzst .tbz, got '.zip'", []],
    ['package suffix without dot', HEAD + 'Package_suffix= tzst\n', 'CONFIG_BAD_VALUE',
      "dsynth.ini:5: Package_suffix must be one of .tgz .tar .txz .tzst .tbz, got 'tzst'", ["did you mean '.tzst'?"]],
    ['relative directory', HEAD + 'Directory_logs= build/logs\n', 'CONFIG_RELATIVE_PATH',
      "dsynth.ini:5: Directory_logs: relative path 'build/logs' (directories must be absolute)"],
    ['disabled is only for ccache', HEAD + 'Directory_packages= disabled\n', 'CONFIG_RELATIVE_PATH',
      "dsynth.ini:5: Directory_packages: relative path 'disabled' (directories must be absolute)"],
    ['control character in a path', HEAD + 'Directory_options= /build/\u0001x\n', 'CONFIG_BAD_PATH',
      'dsynth.ini:5: Directory_options: path contains control characters: "/build/\\u0001x"'],
    ['build base /', HEAD + 'Directory_buildbase= /\n', 'CONFIG_SYSTEM_DIR',
      "dsynth.ini:5: Directory_buildbase '/' is a system directory; build slots are created and removed inside it"],
    ['build base /usr/ (normalised)', HEAD + 'Directory_buildbase= /usr/\n', 'CONFIG_SYSTEM_DIR',
      "dsynth.ini:5: Directory_buildbase '/usr/' is a system directory; build slots are created and removed inside it"],
    ['build base /usr/local/../lib', HEAD + 'Directory_buildbase= /usr/local/../lib\n', 'CONFIG_SYSTEM_DIR',
      "dsynth.ini:5: Directory_buildbase '/usr/local/../lib' is a system directory; build slots are created and removed inside it"],
    ['build base inside /etc', HEAD + 'Directory_buildbase= /etc/dsynth/build\n', 'CONFIG_SYSTEM_DIR',
      "dsynth.ini:5: Directory_buildbase '/etc/dsynth/build' lies inside system directory '/etc'; build slots are created and removed inside it"],
    ['build base inside /usr/share (mounted into every slot)', HEAD + 'Directory_buildbase= /usr/share/x\n', 'CONFIG_SYSTEM_DIR',
      "dsynth.ini:5: Directory_buildbase '/usr/share/x' lies inside system directory '/usr/share'; build slots are created and removed inside it"],
    ['distfiles inside a slot directory', HEAD + 'Directory_buildbase= /b\nDirectory_distfiles= /b/SL00/distfiles\n', 'CONFIG_DIR_IN_SLOT',
      "dsynth.ini:6: Directory_distfiles '/b/SL00/distfiles' lies inside slot directory '/b/SL00': the slot's mounts would hide it and destroy removes slot directories"],
    ['packages inside a slot beyond the count (SL123)', HEAD + 'Directory_packages= /b/SL123\nDirectory_buildbase= /b\n', 'CONFIG_DIR_IN_SLOT',
      "dsynth.ini:5: Directory_packages '/b/SL123' lies inside slot directory '/b/SL123': the slot's mounts would hide it and destroy removes slot directories"],
    ['packages /etc, mounted read-write into every slot', HEAD + 'Directory_packages= /etc\n', 'CONFIG_SYSTEM_SOURCE',
      "dsynth.ini:5: Directory_packages '/etc' is a system directory, and it is mounted read-write into every slot"],
    ['ccache inside /usr/share', HEAD + 'Directory_ccache= /usr/share/ccache\n', 'CONFIG_SYSTEM_SOURCE',
      "dsynth.ini:5: Directory_ccache '/usr/share/ccache' lies inside system directory '/usr/share', and it is mounted read-write into every slot"],
    ['distfiles holding the build base', HEAD + 'Directory_distfiles= /b\nDirectory_buildbase= /b/build\n', 'CONFIG_SOURCE_HOLDS_BASE',
      "dsynth.ini:5: Directory_distfiles '/b' holds the build base /b/build: mounted into every slot, it would show the slots themselves"],
    ['the ports tree is the build base', HEAD + 'Directory_portsdir= /b\nDirectory_buildbase= /b\n', 'CONFIG_SOURCE_HOLDS_BASE',
      "dsynth.ini:5: Directory_portsdir '/b' holds the build base /b: mounted into every slot, it would show the slots themselves"],
    ['a line before any section without a value (C checks its syntax, then ignores it)', 'Number_of_builders=\n' + HEAD, 'CONFIG_VALUE_MISSING',
      "dsynth.ini:1: value missing for key 'Number_of_builders'"],
    ['unclosed header', '[LiveSystem\n', 'CONFIG_SYNTAX', "dsynth.ini:1: malformed section header '[LiveSystem' (expected [Name] alone on the line)"],
    ['text after header', '[LiveSystem] x\n', 'CONFIG_SYNTAX', "dsynth.ini:1: malformed section header '[LiveSystem] x' (expected [Name] alone on the line)"],
    ['nothing before =', HEAD + '= 8\n', 'CONFIG_SYNTAX', "dsynth.ini:5: no key before '=' in '= 8'"],
    ['duplicate key', HEAD + 'Number_of_builders= 4\n\nNumber_of_builders= 6\n', 'CONFIG_DUPLICATE_KEY',
      "dsynth.ini:7: duplicate key 'Number_of_builders' in [LiveSystem] (first set on line 5)"],
    ['duplicate across repeated headers', HEAD + 'Check_plist= 1\n[LiveSystem]\nCheck_plist= 0\n', 'CONFIG_DUPLICATE_KEY',
      "dsynth.ini:7: duplicate key 'Check_plist' in [LiveSystem] (first set on line 5)"],
    ['selected profile missing', '[Global Configuration]\nprofile_selected= Live\n\n[LiveSystem]\n[Test]\n', 'CONFIG_NO_PROFILE',
      "dsynth.ini:2: profile 'Live' (from profile_selected) has no section; profiles present: [LiveSystem], [Test]"],
  ]
  for (const [name, text, code, message, suggestions] of cases) {
    it(`${name} → ${code}`, () => {
      const e = catchConfigError(() => parse(text), code)
      expect(e.message).to.equal(message)
      if (suggestions !== undefined) expect(e.suggestions).to.deep.equal(suggestions)
    })
  }

  it('a profile asked for by flag or env that has no section names the source and lists the profiles', () => {
    const text = '[Global Configuration]\n[LiveSystem]\n[Test]\n'
    const byFlag = catchConfigError(() => parse(text, {profile: 'test'}), 'CONFIG_NO_PROFILE')
    expect(byFlag.message).to.equal("dsynth.ini: profile 'test' (from --profile) has no section; profiles present: [LiveSystem], [Test]")
    expect(byFlag.suggestions[0]).to.equal("did you mean 'Test'?")
    const byEnv = catchConfigError(() => parse(text, {envProfile: 'Nope'}), 'CONFIG_NO_PROFILE')
    expect(byEnv.message).to.contain("(from DSYNTH_PROFILE)")
  })

  it('the default LiveSystem is also required once the file defines other profiles', () => {
    const e = catchConfigError(() => parse('[Global Configuration]\n[Other]\nNumber_of_builders= 2\n'), 'CONFIG_NO_PROFILE')
    expect(e.message).to.equal("dsynth.ini: profile 'LiveSystem' (from the default) has no section; profiles present: [Other]")
  })
})

describe('config/parse: line syntax', () => {
  // [case, body line(s) after HEAD, expected builders]
  const accepted: Array<[string, string, number]> = [
    ['Key= value', 'Number_of_builders= 3\n', 3],
    ['Key = value', 'Number_of_builders = 3\n', 3],
    ['Key=value', 'Number_of_builders=3\n', 3],
    ['trailing ; comment', 'Number_of_builders= 3 ; three slots\n', 3],
    ['trailing # comment', 'Number_of_builders= 3   # three slots\n', 3],
    ['indented key and comments', '   ; note\n\t# note\n  Number_of_builders= 3\n', 3],
    ['no newline on the last line', 'Number_of_builders= 3', 3],
    ['hex like strtol', 'Number_of_builders= 0x10\n', 16],
    ['octal like strtol', 'Number_of_builders= 010\n', 8],
    ['explicit plus sign', 'Number_of_builders= +5\n', 5],
  ]
  for (const [name, body, builders] of accepted) {
    it(`accepts ${name}`, () => {
      expect(parse(HEAD + body).builders).to.equal(builders)
    })
  }

  it('a go-synth file (Global only) holds one profile: asking for another by flag or DSYNTH_PROFILE is an error', () => {
    const text = '[Global Configuration]\nprofile_selected= LiveSystem\nNumber_of_builders= 3\n'
    expect(parse(text, {profile: 'LiveSystem'}).builders).to.equal(3)
    expect(parse(text, {profile: 'default'}).builders).to.equal(3)
    const e = catchConfigError(() => parse(text, {envProfile: 'Nope'}), 'CONFIG_NO_PROFILE')
    expect(e.message).to.equal("dsynth.ini: profile 'Nope' (from DSYNTH_PROFILE) has no section; this file has only [Global Configuration] (go-synth style), the settings of profile 'LiveSystem'")
  })

  it('ignores a key line before any section, as C dsynth does, with a warning naming it', () => {
    const c = parse('; header\nNumber_of_builders= 4\n' + HEAD + 'Number_of_builders= 3\n')
    expect(c.builders).to.equal(3)
    expect(c.warnings).to.deep.equal(["dsynth.ini:2: ignoring 'Number_of_builders' before any [section] (C dsynth ignores such lines too)"])
  })

  it('tolerates CRLF line endings and a byte-order mark', () => {
    const text = '\uFEFF' + (HEAD + 'Number_of_builders= 3\nDirectory_logs= /var/log/synth\n').replace(/\n/g, '\r\n')
    const c = parse(text)
    expect(c.builders).to.equal(3)
    expect(c.directories.logs).to.equal('/var/log/synth')
  })

  it('counts lines from 1 including comments and blanks, also with CRLF', () => {
    const e = catchConfigError(() => parse('; a\r\n\r\n[LiveSystem]\r\nBogus= 1\r\n'), 'CONFIG_UNKNOWN_KEY')
    expect(e.message).to.match(/^dsynth\.ini:4: /)
  })

  it('splitSections merges repeated headers and keeps entries in file order', () => {
    const sections = splitSections('[A]\nx= 1\n[B]\ny= 2\n[A]\nz= 3\n', 'f')
    expect(sections.map((s) => s.name)).to.deep.equal(['A', 'B'])
    expect(sections[0].entries).to.deep.equal([{key: 'x', value: '1', line: 2}, {key: 'z', value: '3', line: 6}])
  })

  it('ignores unknown keys in profiles that are not selected, as C does', () => {
    const c = parse(HEAD + 'Number_of_builders= 2\n[Other]\nNot_a_key= 1\n')
    expect(c.builders).to.equal(2)
  })

  it('ignores go-synth-only keys with one warning each', () => {
    const c = parse(HEAD + 'Disable_throttle= true\nDatabase_path= /build/builds.db\n')
    expect(c.warnings).to.deep.equal([
      "dsynth.ini:5: ignoring go-synth-only key 'Disable_throttle' in [LiveSystem]",
      "dsynth.ini:6: ignoring go-synth-only key 'Database_path' in [LiveSystem]",
    ])
  })
})
