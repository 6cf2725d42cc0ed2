/** Operating systems whose slot layout dsynth knows. */
export type PlatformName = 'dragonfly' | 'freebsd' | 'linux'

/** The directories a profile names (C dsynth's `Directory_*` keys), all absolute. */
export interface Directories {
  /** `Directory_packages`: null-mounted rw at /packages. */
  packages: string
  /** `Directory_repository`: where package files are stored (normally packages/All). */
  repository: string
  /** `Directory_portsdir`: the ports tree, null-mounted ro at /xports. */
  portsdir: string
  /** `Directory_options`: null-mounted rw at /options. */
  options: string
  /** `Directory_distfiles`: null-mounted rw at /distfiles. */
  distfiles: string
  /** `Directory_buildbase`: holds Template, the SLnn slots and the lock. */
  buildbase: string
  /** `Directory_logs`: build logs. */
  logs: string
  /** `Directory_ccache`, or null when `disabled`. */
  ccache: string | null
  /** `Directory_system`: the source of every system mount (`/` normally). */
  system: string
}

/** One profile of dsynth.ini, validated and with defaults filled in. */
export interface Config {
  /** Absolute path of the file read, or null when running on built-in defaults. */
  file: string | null
  /** Directory holding the file (C dsynth's ConfigBase), or null on defaults. */
  configBase: string | null
  /** The selected profile name. */
  profile: string
  /** Where the profile choice came from. */
  profileSource: 'flag' | 'env' | 'profile_selected' | 'default'
  /** `Operating_system` (informational; the layout follows --platform). */
  operatingSystem: string
  /** Every directory key, resolved. */
  directories: Directories
  /** `Package_suffix`, one of .tgz .tar .txz .tzst .tbz. */
  packageSuffix: string
  /** `Meta_version`. */
  metaVersion: number
  /** `Number_of_builders`: the number of slots, 1..1024. */
  builders: number
  /** How `builders` was decided: from the file, or from the CPU count. */
  buildersSource: 'config' | 'cpu'
  /** `Max_jobs_per_builder`, 1..8192. */
  maxJobs: number
  /** `Tmpfs_workdir` (must be true). */
  tmpfsWorkdir: boolean
  /** `Tmpfs_localbase` (must be true). */
  tmpfsLocalbase: boolean
  /** `Display_with_ncurses`. */
  displayWithNcurses: boolean
  /** `leverage_prebuilt` (must be false). */
  leveragePrebuilt: boolean
  /** `Check_plist`. */
  checkPlist: boolean
  /** `Numa_setsize`. */
  numaSetsize: number
  /** Non-fatal notes for stderr (e.g. the no-config warning). */
  warnings: string[]
  /** The line each key was read from (empty on built-in defaults), for messages about values checked later. */
  keyLines: Record<string, number>
}
