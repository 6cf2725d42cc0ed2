import type {PlatformName} from '../config/types.js'
import type {DesiredState} from '../layout/types.js'
import type {MountTable} from '../mounttable/types.js'
import type {LastRun} from '../platform/last-run.js'
import type {LockInfo} from '../platform/lock.js'
import type {Holder} from '../platform/types.js'
import type {Plan} from '../plan/types.js'

/** ok: nothing wrong; warning: worth knowing, not wrong; problem: something to repair; skipped: not checked. */
export type CheckStatus = 'ok' | 'warning' | 'problem' | 'skipped'

/** Which check produced a finding; stable names for --json consumers. */
export type CheckId =
  | 'config-file' | 'config-directories' | 'config-build-base'
  | 'slot-stacked' | 'slot-extra' | 'slot-missing' | 'slot-partial' | 'slot-foreign' | 'slot-wrong' | 'slot-options'
  | 'slot-misplaced' | 'slot-hidden' | 'slot-ok' | 'slot-processes' | 'slot-busy-last-run' | 'slot-host-files' | 'slot-leftover-dir'
  | 'slot-not-directory' | 'slot-unpopulated' | 'processes' | 'last-run' | 'slot-dirs' | 'lock' | 'temp-files' | 'saved-plan' | 'template'

/** Who repairs a finding: `doctor --fix`, `doctor --fix --kill`, or the user by hand. */
export type Repair = 'fix' | 'kill' | 'manual'

/** One finding of doctor. Plain data. */
export interface Check {
  /** Which check this is (several checks of one id exist, one per slot). */
  id: CheckId
  /** problem: `doctor` exits 2; warning and ok do not. */
  status: CheckStatus
  /** Slot the finding belongs to (`SL00`), or null for configuration and host-wide checks. */
  slot: string | null
  /** One line in plain words: `3 layers, 66 mounts, expected 1 layer of 22`. */
  summary: string
  /** The facts behind it: processes, paths, file names. */
  evidence: string[]
  /** The mount-table lines involved, each prefixed by what --fix does to it (`- `, `~ `, `  `). */
  mounts: string[]
  /** What repairs it, in words; null when nothing needs doing. */
  fix: string | null
  /** Who repairs it; null when nothing needs doing. */
  repair: Repair | null
}

/** Counts of checks by status. */
export interface CheckSummary {
  ok: number
  warning: number
  problem: number
  skipped: number
}

/** A directory named in dsynth.ini, as found on the host. */
export interface DirectoryFact {
  /** The dsynth.ini key, `Directory_portsdir`. */
  key: string
  /** The path as dsynth.ini names it. */
  path: string
  /** realpath of `path` (itself when missing). */
  resolved: string
  /** Mounted into every slot: apply refuses to mount a missing one. */
  mountSource: boolean
  /** What is there (symlinks followed). */
  kind: 'directory' | 'missing' | 'not-a-directory'
}

/** The build base as configured and as the kernel shows it. */
export interface BuildBaseFact {
  /** `Directory_buildbase` as written. */
  configured: string
  /** realpath (the configured path when it does not exist). */
  resolved: string
  /** The directory exists (apply creates it otherwise). */
  exists: boolean
}

/** The build base lock: none, held by a process (alive, dead, or null when on another host), or unreadable. */
export type LockFact =
  | {state: 'none'}
  | {state: 'held'; path: string; info: LockInfo; alive: boolean | null}
  | {state: 'corrupt'; path: string; text: string; ageMs: number}

/** A temporary file a crashed dsynth may have left: `.dsynth-slots.lock.PID.tmp`, `FILE.tmp-PID`. */
export interface TempFileFact {
  /** Absolute path of the file. */
  path: string
  /** Process that wrote it, when the name says. */
  pid: number | null
  /** That process still runs. */
  alive: boolean
  /** Time since it was last modified. */
  ageMs: number
}

/** A saved plan given with `--plan FILE`, compared with a fresh plan of the same mode and slot filter. */
export interface SavedPlanFact {
  /** The file as given. */
  file: string
  /** current: apply would accept it; stale: apply refuses it; the rest: it cannot be read as a plan of this platform. */
  state: 'current' | 'stale' | 'corrupt' | 'unreadable' | 'other-platform'
  /** The reason in words (parse error, platform, save time). */
  detail: string
  /** Changes it holds, when it could be read. */
  changes: number | null
}

/** An `SLnn` entry directly under the build base. */
export interface SlotDirFact {
  /** `SL05`. */
  name: string
  /** `<build base>/SL05`. */
  path: string
  /** What the entry is (lstat: a symlink is not followed). */
  kind: 'directory' | 'symlink' | 'other'
  /** Something is mounted at or below it. */
  mounted: boolean
  /** Its root is a mount point (then nothing on the host filesystem underneath is looked at). */
  rootMounted: boolean
  /** Files (not directories) found on the host filesystem below it; only counted when its root is not mounted. */
  files: number
  /** Directories found below it (same condition). */
  dirs: number
  /** A few paths found, relative to the slot directory. */
  sample: string[]
  /** The walk stopped at its limit: there is more. */
  truncated: boolean
}

/** `<build base>/Template` and its marker. */
export interface TemplateFact {
  /** `<build base>/Template`. */
  path: string
  /** It is a directory. */
  dir: boolean
  /** `<build base>/.template.good` exists. */
  marker: boolean
  /** Entries of templateEntries() that are not there. */
  missing: string[]
}

/** A process inside a slot, with the slot. */
export interface SlotHolder extends Holder {
  /** The slot the process holds (`SL01`). */
  slot: string
}

/** What only the live host can tell; null in DoctorFacts when a captured table was given (`--mounts`). */
export interface HostFacts {
  directories: DirectoryFact[]
  buildBase: BuildBaseFact
  /** Processes whose root, cwd, executable or open files lie in a mounted slot. */
  holders: SlotHolder[]
  lock: LockFact
  tempFiles: TempFileFact[]
  slotDirs: SlotDirFact[]
  template: TemplateFact
  /** What the last apply left busy (null: no record). */
  lastRun: LastRun | null
  /** Mounted slots whose tmpfs filesystems lack their part of the Template (paths in the slot: `/`, `/dev`). */
  unpopulated: {slot: string; mounts: string[]}[]
}

/** Everything the checks look at; gathered at the edge, checked by pure functions. */
export interface DoctorFacts {
  platform: PlatformName
  /** What the configuration says, as far as the checks need it. */
  config: {file: string | null; profile: string; builders: number; buildersSource: 'config' | 'cpu'}
  /** The slots dsynth.ini asks for (sources resolved on the live host). */
  desired: DesiredState
  /** The live table, or the captured one. */
  table: MountTable
  /** The apply plan against the table (every slot). */
  plan: Plan
  /** The `--plan FILE` files, in the order given. */
  savedPlans: SavedPlanFact[]
  /** Null with a captured table: nothing on the host was probed. */
  host: HostFacts | null
}

/** One repair besides mounts: remove a stale lock or a leftover file, rmdir a slot directory, (re)create the Template. */
export interface RepairAction {
  /**
   * remove-lock/remove-file: unlink after a re-check; rmdir: never recursive; template: ensureTemplate; populate: the
   * slot's missing part of the Template is written by the apply run of the repair.
   */
  kind: 'remove-lock' | 'remove-file' | 'rmdir' | 'template' | 'populate'
  /** The file or directory acted on. */
  path: string
  /** Why, in words. */
  why: string
}

/** What `doctor --fix` does, in order: stop processes, remove files, apply the plan, remove directories. */
export interface RepairPlan {
  /** Processes stopped first (only with --kill). */
  kill: SlotHolder[]
  /** Slots left out because processes hold them (without --kill), with those processes. */
  leftAlone: {slot: string; holders: SlotHolder[]}[]
  /** The mount changes, as apply makes them (held slots filtered out). */
  plan: Plan
  /** Everything besides mounts, in the order it is done (rmdir last, after the mounts). */
  actions: RepairAction[]
  /** Problems only the user can repair. */
  manual: number
}

/** What `doctor --fix` did. */
export interface FixOutcome {
  /** False when the user declined: nothing was done. */
  approved: boolean
  /** Processes stopped, by the signal that ended them; refused: never signalled (dsynth's own parent...). */
  stopped: {terminated: number[]; killed: number[]; refused: {pid: number; reason: string}[]; survivors: number[]}
  /** Slots left out of the apply after the re-check, because something still holds them. */
  leftAlone: string[]
  /** The apply run, or null when there were no mount changes. */
  apply: {status: string; ok: boolean; totals: {mounted: number; remounted: number; unmounted: number}; errors: string[]} | null
  /** Each action with its outcome; `note` says why one was skipped (the lock changed, not empty...). */
  actions: {kind: RepairAction['kind']; path: string; ok: boolean; note: string | null}[]
  /** Errors that make the exit status 1. */
  errors: string[]
}

/** The document `doctor --json` prints; the human checklist is rendered from it. */
export interface DoctorReport {
  /** Bumped only on breaking changes of this document. */
  formatVersion: 1
  platform: PlatformName
  /** The build base as the kernel shows it. */
  buildBase: string
  /** Number_of_builders. */
  slots: number
  /** The dsynth.ini read, or null on built-in defaults. */
  configFile: string | null
  profile: string
  /** False when a captured table was read (`--mounts`): the host checks are skipped. */
  live: boolean
  /** Every check of the first run, in display order. */
  checks: Check[]
  summary: CheckSummary
  /** What `--fix` does (or would do). */
  repair: RepairPlan
  /** What `--fix` did; null without --fix. */
  fixed: FixOutcome | null
  /** The checks run again after --fix; null without it. */
  after: {checks: Check[]; summary: CheckSummary} | null
  /** Exit status: 0 nothing wrong (or all fixed), 1 error during the fix, 2 problems left. */
  exit: number
}
