import type {PlatformName} from '../config/types.js'
import type {MountSpec} from '../layout/types.js'
import type {MountTable} from '../mounttable/types.js'
import type {RunOptions, RunResult} from './exec.js'

/** Why a process keeps a slot busy. */
export type HoldKind = 'root' | 'cwd' | 'exe' | 'fd' | 'map'

/** A process that holds a path inside a slot (what makes unmount fail with "Device busy"). */
export interface Holder {
  pid: number
  /** Login name (or uid when unknown). */
  user: string
  /** Command line, space-joined. */
  command: string
  /** How it holds the path: root, cwd, executable, open file, mapped file. */
  how: HoldKind[]
  /** The first path found inside the watched directories. */
  path: string
}

/** Result of one platform operation (which may have run one or many commands). */
export interface OpResult {
  /** True when every command exited 0. */
  ok: boolean
  /** Every command that ran, with its output. */
  commands: RunResult[]
}

/**
 * Every interaction with the operating system goes through this interface.
 * The core never imports child_process or fs-mutating code; tests use a fake.
 */
export interface Platform {
  /** Which OS layout and command syntax this driver speaks. */
  readonly name: PlatformName
  /** Reads the live mount table of this process's mount namespace. */
  readMountTable(): Promise<MountTable>
  /** Mounts a batch of specs of one slot, in the given order; mount points are created first. */
  mount(specs: MountSpec[]): Promise<OpResult>
  /** Unmounts the top mount at each target, in the given order (callers order newest first). */
  unmount(targets: string[]): Promise<OpResult>
  /** Changes ro/rw of the mount at spec.target in place. */
  remount(spec: MountSpec): Promise<OpResult>
  /** Lists processes whose root, cwd, executable or open files lie at or below any of `dirs`. */
  findHolders(dirs: string[]): Promise<Holder[]>
  /** Runs a command on the host. */
  run(argv: string[], opts?: RunOptions): Promise<RunResult>
  /** The argv that runs `argv` inside the slot directory `slotDir` (chroot). */
  chrootArgv(slotDir: string, argv: string[]): string[]
}
