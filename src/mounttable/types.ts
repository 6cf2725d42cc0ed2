/** Text formats a mount table can come in. */
export type MountTableFormat = 'bsd-mount' | 'bsd-mount-p' | 'mountinfo'

/** One live mount, as read from a mount table. Plain data. */
export interface Mount {
  /** Position in the table (0-based); tables list mounts in the order they were mounted. */
  seq: number
  /** mountinfo mount id; for BSD formats the same as seq. */
  id: number
  /** Id of the mount this one sits on: mountinfo parent id, or derived from order and paths (BSD); null when it sits on nothing in the table. */
  parent: number | null
  /** What was mounted: the device/source field (`/usr/dports`, `tmpfs`, `/dev/vda`). */
  source: string
  /** Absolute mount point, escapes decoded. */
  target: string
  /** Filesystem type (`null`, `nullfs`, `tmpfs`, `devfs`, `procfs`, `ext4`, `proc`...). */
  fstype: string
  /** For bind mounts (mountinfo only): the directory of the source filesystem that is mounted (field 4); `/` otherwise. */
  root: string
  /** mountinfo major:minor of the filesystem, or '' for BSD formats. */
  dev: string
  /** Per-mount options as an unordered, de-duplicated, sorted list (`read-only` normalised to `ro`). */
  options: readonly string[]
  /** True when mounted read-only. */
  readonly: boolean
  /** 1-based line number in the source text. */
  line: number
}

/** A parsed mount table. */
export interface MountTable {
  /** Which text format it was parsed from. */
  format: MountTableFormat
  /** Every mount, in table order. */
  mounts: Mount[]
}
