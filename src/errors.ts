/** Exit statuses of every dsynth command; one table, documented in README.md. */
export const EXIT = {
  /** Success, or (with --detailed-exitcode) success with no changes. */
  OK: 0,
  /** Any error: bad input, failed or incomplete apply, lock held. */
  ERROR: 1,
  /** `plan --detailed-exitcode`: changes present; `doctor`: problems found, not fixed. */
  CHANGES: 2,
  /** Interrupted by SIGINT (Ctrl-C) after a graceful stop. */
  INTERRUPTED: 130,
} as const

/** Base of every error dsynth raises on purpose: a stable code, an exit status and optional hints. */
export class DsynthError extends Error {
  /** Stable machine-readable identifier, e.g. `CONFIG_UNKNOWN_KEY`. */
  readonly code: string
  /** Process exit status this error maps to (never oclif's default 2). */
  readonly exit: number
  /** Short hints shown under the message ("did you mean ..."). */
  readonly suggestions: string[]

  constructor(code: string, message: string, opts: {exit?: number; suggestions?: string[]; cause?: unknown} = {}) {
    super(message, opts.cause === undefined ? undefined : {cause: opts.cause})
    this.name = new.target.name
    this.code = code
    this.exit = opts.exit ?? EXIT.ERROR
    this.suggestions = opts.suggestions ?? []
  }
}

/** dsynth.ini could not be read or is invalid; the message names file, line and key. */
export class ConfigError extends DsynthError {}

/** A mount table (captured or live) could not be parsed; the message names the source and line. */
export class MountTableError extends DsynthError {}

/** A mount, unmount or remount command failed. */
export class MountCommandError extends DsynthError {}

/** Something would escape the slot: a symlink in a target path, a path outside the build base. */
export class SafetyError extends DsynthError {}

/** The build base lock is held by another dsynth. */
export class LockError extends DsynthError {}

/** A saved plan can no longer be applied or could not be read. */
export class PlanFileError extends DsynthError {}

/** Bad command-line usage that oclif's own parser cannot catch. */
export class UsageError extends DsynthError {}

/** Building ports failed in a way that stops the whole run (cycle, unknown origin). */
export class BuildError extends DsynthError {}

/** A file or directory dsynth writes on the host could not be written (disk full, read-only filesystem...). */
export class HostIoError extends DsynthError {}

/** What to do about a failed filesystem call, by errno code. */
const IO_HINTS: Readonly<Record<string, string>> = {
  ENOSPC: 'the filesystem is full: free some space there, then run the command again',
  EDQUOT: 'the disk quota is exhausted: free some space there, then run the command again',
  EROFS: 'the filesystem is mounted read-only: remount it read-write, then run the command again',
  EACCES: 'permission denied: run dsynth as root',
  EPERM: 'operation not permitted: run dsynth as root',
}

/** `no space left on device (ENOSPC)` for a Node system error, its message otherwise. */
export function describeIoError(e: unknown): string {
  const err = e as NodeJS.ErrnoException
  if (typeof err?.code !== 'string' || typeof err.syscall !== 'string') return String(err?.message ?? e)
  const reason = /^E[A-Z]+: ([^,]+)/.exec(err.message)?.[1] ?? err.message
  return `${reason} (${err.code})`
}

/** The hint for a Node system error (disk full, read-only, permission), or none. */
export function ioHints(e: unknown): string[] {
  const code = (e as NodeJS.ErrnoException)?.code
  return typeof code === 'string' && code in IO_HINTS ? [IO_HINTS[code]] : []
}

/** True when `e` is a DsynthError (also across module copies). */
export function isDsynthError(e: unknown): e is DsynthError {
  return e instanceof Error && typeof (e as DsynthError).code === 'string' && typeof (e as DsynthError).exit === 'number'
}
