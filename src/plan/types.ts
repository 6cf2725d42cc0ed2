import type {PlatformName} from '../config/types.js'

/** What apply does with one mount. */
export type Action = 'mount' | 'unmount' | 'remount'

/**
 * Why a change is planned. Display only: apply branches on `action`, never on the reason.
 * - missing: the layout has it and nothing is mounted there
 * - stacked: a newer layer at a target that is already mounted, or something mounted on such a layer
 * - foreign: a mount inside a slot that the layout does not have
 * - extra-slot: a slot whose index is >= Number_of_builders
 * - wrong-source / wrong-fstype: the mount at a layout target is not what the layout asks for (unmount + mount)
 * - options: read-only/read-write differs (remount)
 * - misplaced: the slot's mounts do not form one tree on its root (something mounted under a missing or newer root)
 * - parent-replaced: mounted on a filesystem that is unmounted for another reason
 * - destroy: `--destroy` removes every slot
 */
export type Reason = 'missing' | 'stacked' | 'foreign' | 'extra-slot' | 'wrong-source' | 'wrong-fstype' | 'options'
  | 'misplaced' | 'parent-replaced' | 'destroy'

/** One planned mount operation. */
export interface Change {
  action: Action
  /** Slot name, `SL00`. */
  slot: string
  /** Absolute mount point. */
  target: string
  /** Filesystem type (desired for mount/remount, observed for unmount). */
  fstype: string
  /** Source (desired for mount/remount, observed for unmount; a Linux bind as findmnt shows it, `/dev/vda1[/usr/bin]`). */
  source: string
  /** Options (desired for mount/remount, observed for unmount). */
  options: readonly string[]
  reason: Reason
  /** Layer of the observed mount (1 = bottom); 0 for mounts. */
  layer: number
}

/** Slot state, first that applies: extra, stacked, missing, drifted, partial, ok. */
export type SlotState = 'extra' | 'stacked' | 'missing' | 'drifted' | 'partial' | 'ok'

/** The observed condition of one slot against its layout. */
export interface SlotStatus {
  name: string
  index: number
  state: SlotState
  /** Deepest stack of mounts at one place (1 when clean, 0 when nothing is mounted). */
  layers: number
  /** Mounts found at or below the slot directory. */
  observed: number
  /** Mounts the layout wants (0 for extra slots). */
  desired: number
  /** Mounts of the slot covered by a later mount at the build base or above it: unreachable, not counted in observed. */
  hidden: number
}

/** A live mount under the build base, as recorded in a plan (the state the plan was computed against). */
export interface ObservedMount {
  source: string
  target: string
  fstype: string
  options: readonly string[]
  /** Linux mountinfo: the directory of the source filesystem that is mounted (what a bind binds); `/` otherwise. */
  root: string
  /** Linux mountinfo: major:minor of the filesystem; '' for BSD tables. */
  dev: string
  /** Index in this list of the mount it sits on, or -1 when that is outside the build base. */
  parent: number
}

/** A complete plan: plain, serialisable data; JSON.parse(JSON.stringify(plan)) deep-equals it. */
export interface Plan {
  /** Bumped only on breaking changes of this document. */
  formatVersion: 1
  platform: PlatformName
  /** Build base as the kernel shows it. */
  buildBase: string
  /** Number_of_builders. */
  slots: number
  /** `apply` converges to the configuration; `destroy` removes every slot. */
  mode: 'apply' | 'destroy'
  /** Slots the plan is limited to (`--slot`), or null for all. */
  slotFilter: string[] | null
  summary: {mount: number; remount: number; unmount: number}
  slotStates: SlotStatus[]
  /** Ordered: unmounts newest first, then remounts, then mounts parent before child. */
  changes: Change[]
  /** Non-fatal findings (a source directory that does not exist...). */
  warnings: string[]
  /** Every live mount at or below the build base, in table order. */
  observed: ObservedMount[]
  /** sha256 of the configuration and of `observed`; a saved plan is stale when it differs. */
  fingerprint: string
}
