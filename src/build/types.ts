import type {SlotSpec} from '../layout/types.js'

/** The six dependency lists a port answers, in C dsynth's order. */
export const DEP_KINDS = ['fetch', 'extract', 'patch', 'build', 'lib', 'run'] as const

/** Which `*_DEPENDS` list a dependency came from. */
export type DepKind = (typeof DEP_KINDS)[number]

/** What one `make -V ...` query says about one origin. Plain data. */
export interface PortInfo {
  /** The origin asked: `category/port` or `category/port@flavor`. */
  origin: string
  /** PKGVERSION. */
  version: string
  /** PKGFILE:T, the package file name (`hello-1.0.tgz`). */
  pkgfile: string
  /** ALLFILES, split on whitespace. */
  allfiles: string[]
  /** DIST_SUBDIR. */
  distSubdir: string
  /** MAKE_JOBS_NUMBER (0 when empty or not a number). */
  makeJobsNumber: number
  /** IGNORE text, or null when the port may be built. */
  ignore: string | null
  /** Dependency origins per list, portsdir prefix and `:tag` stripped, `/nonexistent:` entries dropped. */
  deps: Record<DepKind, string[]>
  /** SELECTED_OPTIONS. */
  selectedOptions: string[]
  /** DESELECTED_OPTIONS. */
  deselectedOptions: string[]
  /** True when USE_LINUX is non-empty. */
  useLinux: boolean
  /** FLAVORS; the first is the default. */
  flavors: string[]
  /** USES. */
  uses: string[]
}

/** An edge of the build graph: this node needs `origin`, through these lists. */
export interface DepEdge {
  /** The dependency's node id (always flavored when its port has flavors). */
  origin: string
  /** The lists that name it (a port may name one dependency in several). */
  kinds: DepKind[]
}

/** One node of the build graph. Plain data. */
export interface PortNode {
  /** Node id: `category/port` or `category/port@flavor`. */
  origin: string
  /** `category/port`, the directory under the ports tree. */
  portdir: string
  /** The flavor, or null. */
  flavor: string | null
  /** Package file name, or null for a dummy node. */
  pkgfile: string | null
  /** PKGVERSION. */
  version: string
  /** IGNORE text, or null. */
  ignore: string | null
  /** True for C dsynth's dummy node: an unflavored origin asked for a flavored port; it builds nothing and depends on every flavor. */
  dummy: boolean
  /** True when USES contains `metaport`. */
  meta: boolean
  /** What this node needs, sorted by origin. */
  deps: DepEdge[]
}

/** The full dependency graph of a build. Invariant: acyclic; every edge target is a node. */
export interface BuildGraph {
  /** The origins asked for, as node ids, in the order given (duplicates removed). */
  roots: string[]
  /** Every node reachable from the roots, by origin. */
  nodes: Record<string, PortNode>
}

/** How a port ended in a build. */
export type PortStatus = 'built' | 'failed' | 'ignored' | 'skipped' | 'uptodate' | 'interrupted'

/** Slot-side operations the apply machinery provides. */
export interface SlotOps {
  /** Recreates /construction, /usr/local and the writable state of the slot root; read-only mounts stay. */
  resetSlot(slot: SlotSpec): Promise<void>
  /** Kills every process running inside the slot; resolves with how many were killed. */
  killInSlot(slot: SlotSpec): Promise<number>
}

/** One thing that happened during a build; renderers consume these. Plain data. */
export type BuildEvent =
  | {type: 'queued'; at: number; total: number; toBuild: string[]; upToDate: string[]}
  | {type: 'start'; at: number; origin: string; slot: string}
  | {type: 'phase'; at: number; origin: string; slot: string; phase: string}
  | {type: 'success'; at: number; origin: string; slot: string | null; ms: number}
  | {type: 'failure'; at: number; origin: string; slot: string; phase: string; ms: number; reason: string}
  | {type: 'ignored'; at: number; origin: string; reason: string}
  | {type: 'skipped'; at: number; origin: string; reason: string}
  | {type: 'interrupted'; at: number; origin: string; slot: string; phase: string}
  | {type: 'stopping'; at: number; reason: string}

/** The result of one build run. Plain data; `--json` prints it. */
export interface BuildSummary {
  /** True when everything asked for is built or was already up to date. */
  ok: boolean
  /** True when --dry-run: nothing was built. */
  dryRun: boolean
  /** True when the run was stopped (Ctrl-C) before it finished. */
  interrupted: boolean
  /** Build order (dry run: the order ports would start; real run: the order they started). */
  order: string[]
  /** Ports built in this run. */
  built: string[]
  /** Ports whose build failed, with the failing phase. */
  failed: {origin: string; phase: string}[]
  /** Ports with IGNORE set. */
  ignored: {origin: string; reason: string}[]
  /** Ports not built because a dependency failed or is ignored. */
  skipped: {origin: string; reason: string}[]
  /** Ports whose package was already up to date. */
  upToDate: string[]
  /** Ports not reached because the run was interrupted. */
  notBuilt: string[]
  /** Directory_logs. */
  logsDir: string
  /** Wall time of the run in milliseconds. */
  elapsedMs: number
}
