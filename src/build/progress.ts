import {formatHMS} from './logs.js'
import type {BuildEvent, BuildSummary} from './types.js'

/** Where a renderer writes (process.stdout, or a buffer in tests). */
export interface Output {
  write(text: string): void
}

/** How progress is shown: live slot lines on a terminal, one line per event, or one JSON object per event. */
export type ProgressMode = 'tty' | 'lines' | 'json'

/** Consumes build events; `finish` prints the final summary. The engine never renders. */
export interface ProgressRenderer {
  onEvent(event: BuildEvent): void
  finish(summary: BuildSummary): void
}

/** Options of the renderers. */
export interface ProgressOptions {
  /** Slot names, in order (the live lines). */
  slots: string[]
  /** Clock in ms since the build started (for elapsed times on the live lines). */
  elapsed?: () => number
  /** Redraw period of the live lines in ms (default 1000; 0 = only on events). */
  refreshMs?: number
}

const pad = (s: string, n: number): string => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length))

/** The one-line text of an event (non-TTY mode), or null for events not worth a line (phases). */
export function formatEventLine(e: BuildEvent): string | null {
  const t = formatHMS(e.at)
  switch (e.type) {
    case 'queued': return `${t} queued ${e.toBuild.length} to build, ${e.upToDate.length} up to date, ${e.total} in the graph`
    case 'start': return `${t} [${e.slot}] START    ${e.origin}`
    case 'phase': return null
    case 'success': return `${t} [${e.slot ?? 'XXX'}] SUCCESS  ${e.origin} ${formatHMS(e.ms)}`
    case 'failure': return `${t} [${e.slot}] FAILURE  ${e.origin} in ${e.phase} ${formatHMS(e.ms)}`
    case 'ignored': return `${t} [XXX] IGNORED  ${e.origin}: ${e.reason}`
    case 'skipped': return `${t} [XXX] SKIPPED  ${e.origin}: due to ${e.reason}`
    case 'interrupted': return `${t} [${e.slot}] STOPPED  ${e.origin} in ${e.phase}`
    case 'stopping': return `${t} stopping (${e.reason}): no new ports, killing the builds in the slots`
  }
}

/** Counts shown under the live lines. */
export interface Counts {
  built: number
  failed: number
  skipped: number
  ignored: number
  remaining: number
}

/** `built 3  failed 1  skipped 2  ignored 1  remaining 4  [######----------]  40%`. */
export function formatCounts(c: Counts, width = 20): string {
  const total = c.built + c.failed + c.skipped + c.remaining
  const done = total - c.remaining
  const filled = total === 0 ? width : Math.round((done / total) * width)
  const pct = total === 0 ? 100 : Math.floor((done / total) * 100)
  return `built ${c.built}  failed ${c.failed}  skipped ${c.skipped}  ignored ${c.ignored}  remaining ${c.remaining}  ` +
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(pct).padStart(3)}%`
}

/** One live line: `SL00  misc/hello                     build           00:00:03`, or idle. */
export function formatSlotLine(slot: string, busy: {origin: string; phase: string; since: number} | undefined, now: number): string {
  if (busy === undefined) return `${slot}  idle`
  return `${slot}  ${pad(busy.origin, 32)}  ${pad(busy.phase, 15)}  ${formatHMS(now - busy.since)}`
}

/** The final table: one row per port that did not simply build, then totals and the log directory. */
export function renderSummary(s: BuildSummary): string {
  const rows: [string, string, string][] = []
  if (s.dryRun) {
    const lines = [`Build order (${s.order.length}):`, ...s.order.map((o, i) => `  ${String(i + 1).padStart(3)}. ${o}`)]
    for (const i of s.ignored) lines.push(`Would ignore ${i.origin}: ${i.reason}`)
    for (const k of s.skipped) lines.push(`Would skip ${k.origin}: due to ${k.reason}`)
    if (s.upToDate.length > 0) lines.push(`Up to date: ${s.upToDate.join(' ')}`)
    return lines.join('\n') + '\n'
  }
  for (const o of s.built) rows.push(['built', o, ''])
  for (const f of s.failed) rows.push(['failed', f.origin, `in ${f.phase}`])
  for (const k of s.skipped) rows.push(['skipped', k.origin, `due to ${k.reason}`])
  for (const i of s.ignored) rows.push(['ignored', i.origin, i.reason])
  for (const o of s.notBuilt) rows.push(['not built', o, 'interrupted'])
  for (const o of s.upToDate) rows.push(['up to date', o, ''])
  const w = Math.max(6, ...rows.map((r) => r[1].length))
  const table = rows.length === 0 ? [] : [`${pad('RESULT', 10)}  ${pad('ORIGIN', w)}  DETAIL`, ...rows.map(([a, b, c]) => `${pad(a, 10)}  ${pad(b, w)}  ${c}`.trimEnd())]
  const head = s.interrupted ? 'Interrupted after' : 'Finished in'
  return [
    ...table,
    `${head} ${formatHMS(s.elapsedMs)}: built ${s.built.length}, failed ${s.failed.length}, ` +
      `skipped ${s.skipped.length}, ignored ${s.ignored.length}, up to date ${s.upToDate.length}` +
      (s.notBuilt.length > 0 ? `, not built ${s.notBuilt.length}` : ''),
    `Logs: ${s.logsDir}`,
  ].join('\n') + '\n'
}

/** Creates the renderer of a mode. */
export function createProgress(mode: ProgressMode, out: Output, opts: ProgressOptions): ProgressRenderer {
  if (mode === 'json') {
    return {
      onEvent: (e) => out.write(JSON.stringify(e) + '\n'),
      // The command returns the summary; oclif prints it as the final JSON document.
      finish: () => {},
    }
  }
  if (mode === 'lines') {
    return {
      onEvent: (e) => {
        const line = formatEventLine(e)
        if (line !== null) out.write(line + '\n')
      },
      finish: (s) => out.write(renderSummary(s)),
    }
  }
  return new LiveProgress(out, opts)
}

/** The terminal renderer: finished ports scroll above a block of one line per slot plus the counts. */
class LiveProgress implements ProgressRenderer {
  private readonly busy = new Map<string, {origin: string; phase: string; since: number}>()
  private readonly counts: Counts = {built: 0, failed: 0, skipped: 0, ignored: 0, remaining: 0}
  private drawn = 0
  private last = 0
  private readonly timer: NodeJS.Timeout | undefined

  constructor(private readonly out: Output, private readonly opts: ProgressOptions) {
    const period = opts.refreshMs ?? 1000
    if (period > 0) {
      this.timer = setInterval(() => this.draw(), period)
      this.timer.unref()
    }
  }

  private now(): number {
    return this.opts.elapsed?.() ?? this.last
  }

  onEvent(e: BuildEvent): void {
    this.last = e.at
    switch (e.type) {
      case 'queued': this.counts.remaining = e.toBuild.length; break
      case 'start': this.busy.set(e.slot, {origin: e.origin, phase: 'starting', since: e.at}); break
      case 'phase': { const b = this.busy.get(e.slot); if (b) b.phase = e.phase; break }
      case 'success': if (e.slot !== null) { this.busy.delete(e.slot); this.counts.built++; this.counts.remaining-- } break
      case 'failure': this.busy.delete(e.slot); this.counts.failed++; this.counts.remaining--; break
      case 'interrupted': this.busy.delete(e.slot); break
      case 'ignored': this.counts.ignored++; break
      case 'skipped': this.counts.skipped++; if (this.counts.remaining > 0) this.counts.remaining--; break
      case 'stopping': break
    }
    const line = e.type === 'start' ? null : formatEventLine(e)
    this.draw(line)
  }

  private draw(scroll: string | null = null): void {
    let text = this.drawn > 0 ? `\x1b[${this.drawn}F` : ''
    if (scroll !== null) text += `\x1b[2K${scroll}\n`
    const lines = [...this.opts.slots.map((s) => formatSlotLine(s, this.busy.get(s), this.now())), formatCounts(this.counts)]
    for (const l of lines) text += `\x1b[2K${l}\n`
    this.drawn = lines.length
    this.out.write(text)
  }

  finish(s: BuildSummary): void {
    if (this.timer) clearInterval(this.timer)
    // Erase the live block, then print the summary where it was.
    this.out.write((this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[0J` : '') + renderSummary(s))
    this.drawn = 0
  }
}
