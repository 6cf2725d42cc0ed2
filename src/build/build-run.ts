import type {SlotSpec} from '../layout/types.js'
import {dependentsOf, installOrder, topoOrder} from './graph.js'
import {
  ResultLogs, alreadyBuiltLine, failureLine, ignoredLine, interruptedLine, metaCompleteLine, skippedLine,
  startLine, successLine,
} from './logs.js'
import {runPort, type PortResult, type PortRunContext} from './run-port.js'
import {runSchedule} from './run-schedule.js'
import {Scheduler, type Resolution} from './schedule.js'
import type {BuildEvent, BuildGraph, BuildSummary, PortStatus, SlotOps} from './types.js'

/** What one run of the engine needs once the graph is known. */
export interface BuildRunOptions {
  /** The slots, one port each at a time. */
  slots: SlotSpec[]
  /** Kills what runs in a busy slot on abort. */
  slotOps: SlotOps
  /** Directory_logs. */
  logsDir: string
  /** Stops starting ports when aborted. */
  signal?: AbortSignal
  /** Receives every event. */
  onEvent?: (event: BuildEvent) => void
  /** Clock in milliseconds. */
  now: () => number
  /** Time the run started (events carry `at` relative to it). */
  t0: number
}

/** The state of one run: the scheduler, each port's status, the logs. Used once: `dryRun()` or `build()`. */
export class BuildRun {
  private readonly sched: Scheduler
  private readonly status = new Map<string, PortStatus>()
  private readonly failedPhase = new Map<string, string>()
  private readonly reasons = new Map<string, string>()
  private readonly order: string[] = []
  private readonly dependents: Record<string, string[]>
  private readonly slotOf = new Map<string, number>()
  private readonly installs = new Map<string, string[]>()
  private logs: ResultLogs | null = null
  private quiet = false

  constructor(
    private readonly graph: BuildGraph,
    private readonly opts: BuildRunOptions,
    private readonly upToDate: ReadonlySet<string>,
  ) {
    this.dependents = dependentsOf(graph)
    this.sched = new Scheduler(Object.values(graph.nodes).map((n) => ({id: n.origin, deps: n.deps.map((d) => d.origin)})))
  }

  private at(): number {
    return this.opts.now() - this.opts.t0
  }

  private emit(e: BuildEvent): void {
    if (!this.quiet) this.opts.onEvent?.(e)
  }

  /** Resolves the up-to-date and ignored ports before anything runs, dependencies first. */
  private settleKnown(): void {
    for (const id of topoOrder(this.graph)) {
      const node = this.graph.nodes[id]
      if (this.upToDate.has(id)) {
        this.status.set(id, 'uptodate')
        this.sched.resolve(id, 'built')
        if (!node.dummy) this.logs?.add('all', alreadyBuiltLine(id))
      } else if (node.ignore !== null && this.sched.stateOf(id) !== 'skipped') {
        this.status.set(id, 'ignored')
        this.reasons.set(id, node.ignore)
        const res = this.sched.resolve(id, 'ignored')
        this.logs?.add('ignored', ignoredLine(id, res.skipped.length, node.ignore))
        this.emit({type: 'ignored', at: this.at(), origin: id, reason: node.ignore})
        this.recordSkips(res)
      }
    }
    const real = Object.values(this.graph.nodes).filter((n) => !n.dummy).map((n) => n.origin)
    this.emit({
      type: 'queued', at: this.at(), total: real.length,
      toBuild: real.filter((id) => !this.status.has(id) && this.sched.stateOf(id) !== 'skipped'),
      upToDate: real.filter((id) => this.status.get(id) === 'uptodate'),
    })
  }

  /** C's skip reason: each failed, ignored or skipped dependency, a skipped one followed by `->` and its own first cause. */
  private skipReason(causes: string[]): string {
    return causes.map((c) => {
      const s = this.status.get(c)
      if (s !== 'skipped') return c
      const first = this.reasons.get(c) ?? ''
      return `${c}->${first.split(' ')[0]}`
    }).join(' ')
  }

  private recordSkips(res: Resolution): void {
    for (const {id, causes} of res.skipped) {
      const reason = this.skipReason(causes)
      this.status.set(id, 'skipped')
      this.reasons.set(id, reason)
      this.logs?.add('skipped', skippedLine(id, reason))
      this.emit({type: 'skipped', at: this.at(), origin: id, reason})
    }
  }

  /** The order ports would start on one slot, and what would be skipped. */
  dryRun(): BuildSummary {
    // The summary tells everything; a dry run emits no events.
    this.quiet = true
    this.settleKnown()
    for (let id = this.sched.take(); id !== undefined; id = this.sched.take()) {
      if (!this.graph.nodes[id].dummy) this.order.push(id)
      this.sched.resolve(id, 'built')
    }
    return this.summary(true, false)
  }

  /** Runs every port that needs building on the slots; `ctx` is how one port is built. */
  async build(ctx: PortRunContext): Promise<BuildSummary> {
    const {opts, graph} = this
    this.logs = new ResultLogs(opts.logsDir)
    this.settleKnown()
    const busy = new Map<number, string>()
    const onAbort = () => {
      this.emit({type: 'stopping', at: this.at(), reason: 'interrupted'})
      for (const slot of busy.keys()) opts.slotOps.killInSlot(opts.slots[slot]).catch(() => {})
    }
    opts.signal?.addEventListener('abort', onAbort, {once: true})
    const results = new Map<string, PortResult>()
    try {
      await runSchedule(this.sched, {
        slots: opts.slots.length,
        signal: opts.signal,
        needsSlot: (id) => !graph.nodes[id].dummy,
        onStart: (id, slot) => {
          busy.set(slot, id)
          this.slotOf.set(id, slot)
          this.order.push(id)
          const deps = installOrder(graph, id)
          this.installs.set(id, deps)
          // C's idep counts what the port needs; here, the packages installed before it builds.
          this.logs!.add('all', startLine(slot, id, deps.length, this.dependents[id].length, (this.sched.priority.get(id) ?? 1) - 1))
          this.emit({type: 'start', at: this.at(), origin: id, slot: opts.slots[slot].name})
        },
        start: async (id, slot) => {
          const s = opts.slots[slot]
          const r = await runPort({
            node: graph.nodes[id], slot: s,
            installFiles: this.installs.get(id)!.map((d) => graph.nodes[d].pkgfile!),
            onPhase: (phase) => this.emit({type: 'phase', at: this.at(), origin: id, slot: s.name, phase}),
          }, ctx)
          busy.delete(slot)
          results.set(id, r)
          return r.status === 'built' ? 'built' : 'failed'
        },
        onResolved: (id, _outcome, res) => this.onResolved(id, results.get(id), res),
      })
    } finally {
      opts.signal?.removeEventListener('abort', onAbort)
      this.logs.close()
    }
    return this.summary(false, opts.signal?.aborted === true)
  }

  private onResolved(id: string, r: PortResult | undefined, res: Resolution): void {
    if (r === undefined) {
      // A dummy node: every flavor under it is built.
      this.status.set(id, 'built')
      this.logs!.add('success', metaCompleteLine(id))
      this.emit({type: 'success', at: this.at(), origin: id, slot: null, ms: 0})
      return
    }
    const slot = this.slotOf.get(id)!
    const slotName = this.opts.slots[slot].name
    if (r.status === 'built') {
      this.status.set(id, 'built')
      this.logs!.add('success', successLine(slot, id, r.ms))
      this.emit({type: 'success', at: this.at(), origin: id, slot: slotName, ms: r.ms})
    } else if (r.status === 'interrupted') {
      // Its dependents are not skipped, only not built: the next run picks them up.
      this.status.set(id, 'interrupted')
      this.logs!.add('all', interruptedLine(slot, id, r.phase ?? '', r.ms))
      this.emit({type: 'interrupted', at: this.at(), origin: id, slot: slotName, phase: r.phase ?? ''})
    } else {
      this.status.set(id, 'failed')
      this.failedPhase.set(id, r.phase ?? '')
      this.reasons.set(id, r.reason)
      this.logs!.add('failure', failureLine(slot, id, res.skipped.length, r.phase ?? '', r.ms))
      this.emit({type: 'failure', at: this.at(), origin: id, slot: slotName, phase: r.phase ?? '', ms: r.ms, reason: r.reason})
      this.recordSkips(res)
    }
  }

  private summary(dryRun: boolean, interrupted: boolean): BuildSummary {
    const pick = (s: PortStatus) => Object.keys(this.graph.nodes).filter((id) => this.status.get(id) === s && !this.graph.nodes[id].dummy).sort()
    const failed = pick('failed').map((origin) => ({origin, phase: this.failedPhase.get(origin) ?? ''}))
    const ignored = pick('ignored').map((origin) => ({origin, reason: this.reasons.get(origin) ?? ''}))
    const skipped = pick('skipped').map((origin) => ({origin, reason: this.reasons.get(origin) ?? ''}))
    const notBuilt = dryRun ? [] : Object.keys(this.graph.nodes).filter((id) => !this.status.has(id) || this.status.get(id) === 'interrupted').filter((id) => !this.graph.nodes[id].dummy).sort()
    return {
      ok: !interrupted && failed.length === 0 && ignored.length === 0 && skipped.length === 0 && notBuilt.length === 0,
      dryRun, interrupted,
      order: [...this.order],
      built: dryRun ? [] : this.order.filter((id) => this.status.get(id) === 'built'),
      failed, ignored, skipped,
      upToDate: pick('uptodate'),
      notBuilt,
      logsDir: this.opts.logsDir,
      elapsedMs: this.at(),
    }
  }
}
