import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {lstat, mkdtemp, readFile, readlink, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {type TarEntry, tarArchive} from '../../src/platform/tar.js'

const bytes = (s: string) => new TextEncoder().encode(s)
const long = 'd'.repeat(60) + '/' + 'f'.repeat(70)

// [path, kind, mode, extra]: one Template of every kind the writer handles, a name longer than ustar's 100 bytes among them
const ENTRIES: TarEntry[] = [
  {path: '', kind: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 1_700_000_000},
  {path: 'etc', kind: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 1_700_000_000},
  {path: 'etc/passwd', kind: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_001, data: bytes('root:x:0:0::/root:/bin/sh\n')},
  {path: 'tmp', kind: 'dir', mode: 0o1777, uid: 0, gid: 0, mtime: 1_700_000_000},
  {path: 'empty', kind: 'file', mode: 0o600, uid: 0, gid: 0, mtime: 1_700_000_000, data: new Uint8Array(0)},
  {path: 'big', kind: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000, data: new Uint8Array(1500).fill(65)},
  {path: 'fd', kind: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 1_700_000_000, link: '/proc/self/fd'},
  {path: 'dev', kind: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 1_700_000_000},
  {path: 'dev/null', kind: 'char', mode: 0o666, uid: 0, gid: 0, mtime: 1_700_000_000, devMajor: 1, devMinor: 3},
  {path: 'pipe', kind: 'fifo', mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000},
  {path: 'd'.repeat(60), kind: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 1_700_000_000},
  {path: long, kind: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000, data: bytes('long\n')},
  {path: 'longlink', kind: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 1_700_000_000, link: '/' + 'x'.repeat(150)},
]

describe('platform/tar: the archive that copies the Template into many slots', () => {
  it('lists every entry under every prefix with its type, mode and device numbers (GNU tar reads it)', () => {
    // GIVEN the entries archived under two slot names
    const archive = tarArchive([{prefix: 'SL00', entries: ENTRIES}, {prefix: 'SL01', entries: ENTRIES}])
    // THEN the size is whole blocks and GNU tar lists each entry once per slot, in order
    expect(archive.length % 512).to.equal(0)
    const listing = execFileSync('tar', ['-tvf', '-', '--numeric-owner'], {input: archive, encoding: 'utf8'}).trim().split('\n')
    expect(listing).to.have.length(ENTRIES.length * 2)
    const names = listing.map((l) => l.split(/\s+/).slice(5).join(' '))
    expect(names.slice(0, 3)).to.deep.equal(['SL00/', 'SL00/etc/', 'SL00/etc/passwd'])
    expect(names[ENTRIES.length]).to.equal('SL01/')
    expect(names).to.include(`SL01/${long}`)
    expect(names).to.include(`SL00/longlink -> /${'x'.repeat(150)}`)
    expect(listing.find((l) => l.endsWith('SL00/dev/null'))).to.match(/^crw-rw-rw- 0\/0\s+1,3 /)
    expect(listing.find((l) => l.endsWith('SL00/tmp/'))).to.match(/^drwxrwxrwt /)
    expect(listing.find((l) => l.endsWith('SL00/pipe'))).to.match(/^prw-r--r-- /)
  })

  it('extracts contents, modes, symlinks and long names exactly', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dsynth-tar-'))
    try {
      // GIVEN the archive without the device node (creating one needs root)
      const archive = tarArchive([{prefix: 'SL07', entries: ENTRIES.filter((e) => e.kind !== 'char')}])
      // WHEN GNU tar extracts it
      execFileSync('tar', ['-x', '-p', '-f', '-', '-C', dir], {input: archive})
      // THEN every file is there with its bytes and mode
      const root = path.join(dir, 'SL07')
      expect(await readFile(path.join(root, 'etc/passwd'), 'utf8')).to.equal('root:x:0:0::/root:/bin/sh\n')
      expect((await readFile(path.join(root, 'big'))).equals(Buffer.alloc(1500, 65))).to.equal(true)
      expect((await readFile(path.join(root, 'empty'))).length).to.equal(0)
      expect(await readFile(path.join(root, long), 'utf8')).to.equal('long\n')
      expect(await readlink(path.join(root, 'fd'))).to.equal('/proc/self/fd')
      expect(await readlink(path.join(root, 'longlink'))).to.equal('/' + 'x'.repeat(150))
      expect((await lstat(path.join(root, 'tmp'))).mode & 0o7777).to.equal(0o1777)
      expect((await lstat(path.join(root, 'empty'))).mode & 0o7777).to.equal(0o600)
      expect((await lstat(path.join(root, 'pipe'))).isFIFO()).to.equal(true)
      expect((await lstat(path.join(root, 'etc/passwd'))).mtimeMs).to.equal(1_700_000_001_000)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('an entry shared by several parts is written under each part exactly as a copy of it would be', () => {
    // GIVEN three slots sharing the same entry objects (the Template), and the same with a copy of every entry per slot
    const names = ['SL00', 'SL01', 'SL100']
    const shared = tarArchive(names.map((prefix) => ({prefix, entries: ENTRIES})))
    const copied = tarArchive(names.map((prefix) => ({prefix, entries: ENTRIES.map((e) => ({...e}))})))
    // THEN the archives are byte for byte the same (names and checksums written per slot), and tar reads every name
    expect(Buffer.from(shared).equals(Buffer.from(copied))).to.equal(true)
    const listed = execFileSync('tar', ['-tf', '-'], {input: shared, encoding: 'utf8'}).trim().split('\n')
    expect(listed).to.have.length(names.length * ENTRIES.length)
    for (const n of names) expect(listed).to.include(`${n}/etc/passwd`)
  })

  it('writes a name that is not ASCII as UTF-8', () => {
    const archive = tarArchive([{prefix: 'SL00', entries: [{path: 'café', kind: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 0, data: bytes('x')}]}])
    const name = bytes('SL00/café')
    expect(Buffer.from(archive.subarray(0, name.length)).equals(Buffer.from(name))).to.equal(true)
    expect(archive[name.length]).to.equal(0)
  })

  it('refuses a number too large for its field instead of writing a corrupt header', () => {
    expect(() => tarArchive([{prefix: 'SL00', entries: [{path: 'x', kind: 'file', mode: 0o644, uid: 0o10000000, gid: 0, mtime: 0, data: new Uint8Array(0)}]}]))
      .to.throw(RangeError, /does not fit/)
  })
})
