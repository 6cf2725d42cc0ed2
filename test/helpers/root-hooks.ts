import {removeWorlds} from './namespace.js'
import {removeScratchDirs} from './scratch.js'
import {readFileSync} from 'node:fs'

let before = ''

/** The host's mount table must be byte-for-byte what it was before the suite, whatever the tests did. */
export const mochaHooks = {
  beforeAll(): void {
    if (process.platform === 'linux') before = readFileSync('/proc/self/mountinfo', 'utf8')
  },
  async afterAll(): Promise<void> {
    const kept = removeScratchDirs()
    if (kept.length > 0) throw new Error(`scratch directories with mounts below them were left in place: ${kept.join(', ')}`)
    if (process.platform !== 'linux') return
    await removeWorlds()
    const after = readFileSync('/proc/self/mountinfo', 'utf8')
    if (after === before) return
    const was = new Set(before.split('\n'))
    const now = new Set(after.split('\n'))
    const added = [...now].filter((l) => !was.has(l))
    const removed = [...was].filter((l) => !now.has(l))
    throw new Error(`the host's /proc/self/mountinfo changed during the tests\nadded:\n${added.join('\n')}\nremoved:\n${removed.join('\n')}`)
  },
}
