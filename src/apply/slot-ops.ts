import {lstat} from 'node:fs/promises'
import type {SlotOps} from '../build/types.js'
import {MountCommandError} from '../errors.js'
import type {DesiredState, SlotSpec} from '../layout/types.js'
import {refuseToSignal, signalAll, waitGone} from '../platform/kill.js'
import {clearAroundMounts} from '../platform/remove-tree.js'
import {markSlotPopulated} from '../platform/template.js'
import {assertNoSymlinks} from '../platform/safety.js'
import type {Platform} from '../platform/types.js'
import {diffSlots} from '../plan/diff.js'
import {isAtOrBelow} from '../util/paths.js'
import {extractTemplate, templateTree} from './populate.js'

/** Slot paths recreated between two ports (the scratch filesystems). */
const SCRATCH = ['/construction', '/usr/local']

/** Kills every process inside a slot (root, cwd, executable or open file there), SIGKILL, until none is left. */
export async function killInSlot(platform: Platform, dir: string): Promise<number> {
  let killed = 0
  for (let round = 0; round < 5; round++) {
    const pids = (await platform.findHolders([dir])).map((h) => h.pid).filter((pid) => refuseToSignal(pid) === null)
    if (pids.length === 0) return killed
    killed += signalAll(pids, 'SIGKILL').length
    await waitGone(pids, 2000)
  }
  return killed
}

/**
 * The build's slot operations on top of the apply machinery: between two ports the scratch filesystems
 * (/construction, /usr/local) are unmounted and mounted fresh, the writable state of the slot root is emptied
 * around its mount points and the Template copied in again; the read-only mounts stay.
 */
export function makeSlotOps(platform: Platform, desired: DesiredState): SlotOps {
  return {
    killInSlot: (slot) => killInSlot(platform, slot.dir),
    async resetSlot(slot: SlotSpec) {
      await killInSlot(platform, slot.dir)
      const base = desired.buildBase
      const scratch = slot.mounts.filter((m) => SCRATCH.includes(m.path))
      let table = await platform.readMountTable()
      const doomed = table.mounts.filter((m) => scratch.some((s) => isAtOrBelow(m.target, s.target))).sort((a, b) => b.seq - a.seq)
      for (const m of doomed) await assertNoSymlinks(m.target, base)
      const u = await platform.unmount(doomed.map((m) => m.target))
      if (!u.ok) throw new MountCommandError('RESET_UNMOUNT', `cannot reset ${slot.name}: ${u.commands.map((c) => c.stderr.trim()).join('; ')}`)
      table = await platform.readMountTable()
      const mountPoints = new Set(table.mounts.filter((m) => isAtOrBelow(m.target, slot.dir) && m.target !== slot.dir).map((m) => m.target))
      await clearAroundMounts(slot.dir, mountPoints, (await lstat(slot.dir)).dev)
      for (const s of scratch) await assertNoSymlinks(s.target, base)
      const r = await platform.mount(scratch)
      if (!r.ok) throw new MountCommandError('RESET_MOUNT', `cannot reset ${slot.name}: ${r.commands.map((c) => c.stderr.trim()).join('; ')}`)
      // the slot root and the fresh scratch filesystems get their part of the Template again (never the binds)
      const entries = await templateTree(base, desired.platform)
      if (entries !== null) {
        const mounts = slot.mounts.filter((m) => m.fstype === 'tmpfs' && (m.path === '/' || SCRATCH.includes(m.path))).map((m) => m.path)
        const written = await extractTemplate(platform, base, entries, [{slot, mounts}])
        const error = written.get(slot.dir)
        if (error) throw new MountCommandError('RESET_TEMPLATE', `cannot copy the Template into ${slot.name}: ${error}`)
      }
      await markSlotPopulated(slot.dir)
      const left = diffSlots(desired, await platform.readMountTable(), {mode: 'apply', slotFilter: [slot.name]}).changes
      if (left.length > 0) throw new MountCommandError('RESET_DRIFT', `${slot.name} does not match its layout after the reset (${left.length} change(s) left)`)
    },
  }
}
