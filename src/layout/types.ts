import type {PlatformName} from '../config/types.js'

/** One mount a slot should have. Plain data. */
export interface MountSpec {
  /** Slot name, `SL00`. */
  slot: string
  /** Position of this mount in the slot layout (0 = slot root); mounts go in this order. */
  order: number
  /** Path inside the slot: `/` for the slot root, `/usr/bin`... */
  path: string
  /** Absolute mount point. */
  target: string
  /** Filesystem type as the platform's mount command takes it: tmpfs, null, nullfs, devfs, procfs, bind, proc. */
  fstype: string
  /** For null/bind mounts the absolute source directory; a tag (`tmpfs`, `devfs`...) otherwise. */
  source: string
  /** Mount options as passed to mount: first `ro` or `rw`, then extras such as `size=16g`. Frozen, shared by all slots. */
  options: readonly string[]
  /** True when mounted read-only. */
  readonly: boolean
}

/** The desired state of one slot. */
export interface SlotSpec {
  /** `SL00`, `SL01`, ... `SL100`. */
  name: string
  /** Slot index (0-based). */
  index: number
  /** Absolute slot directory `<build base>/SLnn`. */
  dir: string
  /** The slot's mounts, parents before children. */
  mounts: MountSpec[]
}

/** Desired state computed from the configuration: N slots of the platform's layout. */
export interface DesiredState {
  /** Which OS layout this is. */
  platform: PlatformName
  /** The build base, as the kernel shows it (realpath when it exists). */
  buildBase: string
  /** Slots 0..N-1. */
  slots: SlotSpec[]
}
