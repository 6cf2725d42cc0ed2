import {closeSync, createWriteStream, mkdirSync, openSync, writeSync, type WriteStream} from 'node:fs'
import path from 'node:path'

/** C dsynth's result logs in Directory_logs; everything also goes to `all`. */
export const RESULT_LOGS = {
  all: '00_last_results.log',
  success: '01_success_list.log',
  failure: '02_failure_list.log',
  ignored: '03_ignored_list.log',
  skipped: '04_skipped_list.log',
} as const

/** Which result log a line belongs to. */
export type ResultLog = keyof typeof RESULT_LOGS

/** The per-port log name: `category___port[@flavor].log` (three underscores). */
export function portLogName(origin: string): string {
  return origin.replace('/', '___') + '.log'
}

/** `hh:mm:ss` of a duration (hours not wrapped). */
export function formatHMS(ms: number): string {
  const t = Math.max(0, Math.floor(ms / 1000))
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(Math.floor(t / 3600))}:${two(Math.floor(t / 60) % 60)}:${two(t % 60)}`
}

/** C dlog's `##`: the text after it is right-aligned so the line with its newline is 80 columns. */
export function justify(text: string): string {
  const at = text.indexOf('##')
  if (at < 0) return text
  const left = text.slice(0, at)
  const right = text.slice(at + 2)
  const spaces = 80 - left.length - (right.length + 1)
  return spaces >= 0 ? left + ' '.repeat(spaces) + right : left + right
}

const slotTag = (slot: number): string => `[${String(slot).padStart(3, '0')}]`
const count = (n: number): string => (n > 0 ? ` ${n}` : '')

/** `[003] START   cat/port ##idep=02 depi=01/01` (logged to 00 only). */
export function startLine(slot: number, origin: string, idep: number, depi: number, depiDepth: number): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return justify(`${slotTag(slot)} START   ${origin} ##idep=${two(idep)} depi=${two(depi)}/${two(depiDepth)}`)
}

/** `[003] SUCCESS cat/port ##00:01:02`. */
export function successLine(slot: number, origin: string, ms: number): string {
  return justify(`${slotTag(slot)} SUCCESS ${origin} ##${formatHMS(ms)}`)
}

/** `[003] FAILURE cat/port 2 ##           build 00:01:02` (phase right-aligned in 16, then the skip count). */
export function failureLine(slot: number, origin: string, skipCount: number, phase: string, ms: number): string {
  return justify(`${slotTag(slot)} FAILURE ${origin}${count(skipCount)} ##${phase.slice(0, 16).padStart(16)} ${formatHMS(ms)}`)
}

/** `[XXX] cat/port 1 ignored due to <IGNORE text>`. */
export function ignoredLine(origin: string, skipCount: number, reason: string): string {
  return `[XXX] ${origin}${count(skipCount)} ignored due to ${reason}`
}

/** `[XXX] cat/port skipped due to <failed or ignored dependency chain>`. */
export function skippedLine(origin: string, reason: string): string {
  return `[XXX] ${origin} skipped due to ${reason}`
}

/** `[XXX] cat/port meta-node complete` (a dummy node whose flavors are built). */
export function metaCompleteLine(origin: string): string {
  return `[XXX] ${origin} meta-node complete`
}

/** `[XXX] cat/port Already-Built` (logged to 00 only). */
export function alreadyBuiltLine(origin: string): string {
  return `[XXX] ${origin} Already-Built`
}

/** `[003] INTERRUPTED cat/port ##build 00:00:10` (a build stopped by Ctrl-C, logged to 00 only). */
export function interruptedLine(slot: number, origin: string, phase: string, ms: number): string {
  return justify(`${slotTag(slot)} INTERRUPTED ${origin} ##${phase} ${formatHMS(ms)}`)
}

/** The result logs of one run: truncated when opened, each line appended to its log and to 00. */
export class ResultLogs {
  private readonly fds = new Map<ResultLog, number>()

  /** Creates the logs directory if needed and truncates the five result logs (C dlogreset). */
  constructor(readonly dir: string) {
    mkdirSync(dir, {recursive: true})
    for (const [which, name] of Object.entries(RESULT_LOGS)) this.fds.set(which as ResultLog, openSync(path.join(dir, name), 'w'))
  }

  /** Appends one line to `which` and, unless it is `all`, to 00_last_results.log. */
  add(which: ResultLog, line: string): void {
    // Synchronous writes keep lines whole and in order; there are a few per port.
    if (which !== 'all') writeSync(this.fds.get('all')!, line + '\n')
    writeSync(this.fds.get(which)!, line + '\n')
  }

  /** Closes the files (further lines are an error). */
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd)
    this.fds.clear()
  }
}

/** 79 dashes, as C dsynth frames each phase. */
export const RULE = '-'.repeat(79)

/** The header written before a phase's output. */
export function phaseHeader(phase: string): string {
  return `${RULE}\n-- Phase: ${phase}\n${RULE}\n`
}

/** The footer written after a phase's output; `totalMs` adds C's TOTAL TIME line (after `package`). */
export function phaseFooter(ok: boolean, ms: number, totalMs?: number): string {
  const total = totalMs === undefined ? '' : `TOTAL TIME ${formatHMS(totalMs)}\n`
  return `\n${ok ? 'SUCCEEDED' : 'FAILED'} ${formatHMS(ms)}\n${total}\n`
}

/** C's message when the watchdog kills a phase. */
export function watchdogMessage(portdir: string, phase: string, minutes: number, slot: string): string {
  return `\n--------\nWATCHDOG TIMEOUT FOR ${portdir} in ${phase} after ${minutes} minutes\nKilling every process in ${slot}\n--------\n`
}

/** One port's log file, truncated when opened; writes are ordered. */
export class PortLog {
  private readonly stream: WriteStream
  /** Absolute path of the log. */
  readonly file: string

  constructor(dir: string, origin: string) {
    this.file = path.join(dir, portLogName(origin))
    this.stream = createWriteStream(this.file, {flags: 'w'})
    // Errors surface on close(); a log that cannot be written must not crash the build.
    this.stream.on('error', () => {})
  }

  /** Appends text. */
  write(text: string): void {
    this.stream.write(text)
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve))
  }
}
