import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {phaseHeader} from '../../src/build/logs.js'
import {runPort, slotPackagePath} from '../../src/build/run-port.js'
import {fakeSlotWorld, portNode} from './fake-slot.js'

const PATH = '/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin'
const BASE_ENV = {TERM: 'dumb', USER: 'root', HOME: '/root', LANG: 'C', SSL_NO_VERIFY_PEER: '1', PATH}

describe('build/run-port', () => {
  it('resets the slot, writes make.conf, installs dependencies, runs every phase in the chroot, copies the package', async () => {
    const w = fakeSlotWorld()
    const phases: string[] = []
    const r = await runPort({
      node: portNode('misc/goodbye@loud', 'hello-1.0.tgz', 'loud'), slot: w.slot,
      installFiles: ['libgreet-1.2.tgz', 'libx-1.tgz'], onPhase: (p) => phases.push(p),
    }, w.ctx)
    expect(r).to.deep.include({status: 'built', phase: null, reason: ''})
    expect(w.ops).to.deep.equal(['reset SL01'])
    expect(readFileSync(path.join(w.slot.dir, 'etc/make.conf'), 'utf8')).to.equal('PORTSDIR=/xports\n')
    const flavored = {...BASE_ENV, FLAVOR: 'loud'}
    // GIVEN two dependencies THEN setup installs both, in order, with NO_DEPENDS set
    expect(w.calls.slice(0, 2)).to.deep.equal([
      {argv: ['chroot', w.slot.dir, 'tar', '-xf', '/packages/All/libgreet-1.2.tgz', '-C', '/usr/local'], env: {...flavored, NO_DEPENDS: '1'}, detached: true},
      {argv: ['chroot', w.slot.dir, 'tar', '-xf', '/packages/All/libx-1.tgz', '-C', '/usr/local'], env: {...flavored, NO_DEPENDS: '1'}, detached: true},
    ])
    expect(w.calls[2]).to.deep.equal({argv: ['chroot', w.slot.dir, 'bmake', '-C', '/xports/misc/goodbye', 'check-sanity'], env: flavored, detached: true})
    const build = w.calls.find((c) => c.argv.at(-1) === 'build')!
    expect(build.env).to.deep.equal({...flavored, NO_DEPENDS: '1'})
    expect(w.calls.slice(2).map((c) => c.argv.at(-1))).to.deep.equal(phases.slice(1))
    expect(phases).to.deep.equal([
      'setup', 'check-sanity', 'pkg-depends', 'fetch-depends', 'fetch', 'checksum', 'extract-depends', 'extract',
      'patch-depends', 'patch', 'build-depends', 'lib-depends', 'configure', 'build', 'run-depends', 'stage', 'package',
    ])
    expect(readFileSync(path.join(w.repository, 'hello-1.0.tgz'), 'utf8')).to.equal('PKG')
    expect(existsSync(path.join(w.repository, 'hello-1.0.tgz.new'))).to.equal(false)
    const log = readFileSync(r.logFile, 'utf8')
    expect(path.basename(r.logFile)).to.equal('misc___goodbye@loud.log')
    expect(log).to.contain(phaseHeader('setup') + 'Installing /packages/All/libgreet-1.2.tgz\nInstalling /packages/All/libx-1.tgz\n')
    expect(log).to.match(/-- Phase: package\n-+\n\nSUCCEEDED 00:00:00\nTOTAL TIME 00:00:00\n\n$/)
  })

  it('runs no setup phase without dependencies', async () => {
    const w = fakeSlotWorld()
    await runPort({node: portNode('misc/hello'), slot: w.slot, installFiles: []}, w.ctx)
    expect(w.calls[0].argv.at(-1)).to.equal('check-sanity')
    expect(w.calls[0].env).to.not.have.property('FLAVOR')
  })

  it('stops at the first failing phase and logs it', async () => {
    const w = fakeSlotWorld({build: {exit: 1, output: 'cc: error: nope\n'}})
    const r = await runPort({node: portNode('misc/broken', 'broken-1.0.tgz'), slot: w.slot, installFiles: []}, w.ctx)
    expect(r).to.deep.include({status: 'failed', phase: 'build', reason: 'build exited 1'})
    expect(w.calls.at(-1)!.argv.at(-1)).to.equal('build')
    const log = readFileSync(r.logFile, 'utf8')
    expect(log).to.match(/-- Phase: build\n-+\ncc: error: nope\n\nFAILED 00:00:00\n\n$/)
    expect(existsSync(path.join(w.repository, 'broken-1.0.tgz'))).to.equal(false)
  })

  it('fails the port when the package is not where the framework should leave it', async () => {
    const w = fakeSlotWorld({package: {output: 'other-name.tgz\n'}})
    const r = await runPort({node: portNode('misc/hello'), slot: w.slot, installFiles: []}, w.ctx)
    expect(r).to.deep.include({status: 'failed', phase: 'package'})
    expect(r.reason).to.contain('unable to copy the package')
    expect(slotPackagePath(w.slot.dir, 'misc/hello', 'x.tgz')).to.equal(path.join(w.slot.dir, 'construction/misc/hello/pkg/x.tgz'))
  })

  it('kills a phase that prints nothing for its watchdog time', async () => {
    // GIVEN a configure phase that hangs silently and a 1-minute watchdog of 20 ms
    const w = fakeSlotWorld({configure: {hang: true}})
    const r = await runPort({node: portNode('misc/hello'), slot: w.slot, installFiles: []},
      {...w.ctx, watchdog: {unitMs: 20, minutes: {configure: 1}}})
    // THEN the phase fails, the slot is cleaned out and the log says why
    expect(r).to.deep.include({status: 'failed', phase: 'configure', reason: 'watchdog timeout in configure'})
    expect(w.ops).to.deep.equal(['reset SL01', 'kill SL01'])
    expect(readFileSync(r.logFile, 'utf8')).to.contain('WATCHDOG TIMEOUT FOR misc/hello in configure after 1 minutes')
  })

  it('reports an interrupted port when the signal aborts', async () => {
    const w = fakeSlotWorld({build: {hang: true}})
    const ctl = new AbortController()
    const p = runPort({node: portNode('misc/hello'), slot: w.slot, installFiles: [], onPhase: (ph) => { if (ph === 'build') setTimeout(() => ctl.abort(), 5) }},
      {...w.ctx, signal: ctl.signal})
    const r = await p
    expect(r).to.deep.include({status: 'interrupted', phase: 'build'})
  })

  it('fails cleanly when the slot cannot be reset', async () => {
    const w = fakeSlotWorld()
    const r = await runPort({node: portNode('misc/hello'), slot: w.slot, installFiles: []},
      {...w.ctx, slotOps: {resetSlot: async () => { throw new Error('umount busy') }, killInSlot: async () => 0}})
    expect(r).to.deep.include({status: 'failed', phase: 'setup', reason: 'cannot prepare slot SL01'})
    expect(readFileSync(r.logFile, 'utf8')).to.contain('umount busy')
  })
})
