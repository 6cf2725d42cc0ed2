import type {ChalkInstance} from 'chalk'
import {parseSlotName} from '../layout/slots.js'
import {summaryLine} from '../render/plan-human.js'
import {printable} from '../render/printable.js'
import {MARKS} from '../render/symbols.js'
import type {Check, CheckSummary, DoctorReport, Repair} from './types.js'

export {MARKS}

/** How the fix line of a check is labelled, by who repairs it. */
const FIX_LABEL: Record<Repair | 'none', string> = {fix: 'fix', kill: 'fix with --kill', manual: 'by hand', none: 'note'}

/** Options of the checklist. */
export interface ChecklistOptions {
  /** Show the mount lines behind each finding. */
  verbose: boolean
  /** End with how to repair (`doctor --fix`), for a run without --fix. */
  hint: boolean
}

/** `SL01..SL07` for runs of three or more consecutive slots, names joined by `, ` otherwise. */
export function slotRange(names: string[]): string {
  const idx = names.map((n) => parseSlotName(n)!).sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < idx.length;) {
    let j = i
    while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) j++
    const name = (k: number) => names.find((n) => parseSlotName(n) === idx[k])!
    if (j - i >= 2) parts.push(`${name(i)}..${name(j)}`)
    else for (let k = i; k <= j; k++) parts.push(name(k))
    i = j + 1
  }
  return parts.join(', ')
}

/** Consecutive slot checks that read the same (apart from the slot) become one line naming every slot. */
function collapse(checks: Check[], verbose: boolean): {names: string[]; check: Check}[] {
  const key = (c: Check) => JSON.stringify([c.id, c.status, c.summary, c.fix, c.evidence, verbose ? c.mounts : []])
  const out: {names: string[]; check: Check; key: string}[] = []
  for (const c of checks) {
    const k = key(c)
    const last = out.at(-1)
    if (last && last.key === k && !(verbose && c.mounts.length > 0)) last.names.push(c.slot!)
    else out.push({names: [c.slot!], check: c, key: k})
  }
  return out
}

/** The lines of one check: mark and summary, then evidence, mount lines (verbose) and the fix. */
function checkLines(check: Check, label: string, c: ChalkInstance, verbose: boolean): string[] {
  const m = MARKS[check.status]
  const out = [`  ${c[m.color](m.mark)} ${label}${printable(check.summary)}`]
  for (const e of check.evidence) out.push(`      ${printable(e)}`)
  if (verbose) {
    for (const line of check.mounts) {
      out.push(`      ${line.startsWith('-') ? c.red(line) : line.startsWith('~') ? c.yellow(line) : c.dim(line)}`)
    }
  }
  if (check.fix !== null) out.push(c.dim(`      ${FIX_LABEL[check.repair ?? 'none']}: ${printable(check.fix)}`))
  return out
}

/** `1 problem, 7 warnings, 5 ok, 8 skipped`. */
export function countLine(s: CheckSummary): string {
  const parts = [`${s.problem} ${s.problem === 1 ? 'problem' : 'problems'}`, `${s.warning} ${s.warning === 1 ? 'warning' : 'warnings'}`, `${s.ok} ok`]
  if (s.skipped > 0) parts.push(`${s.skipped} skipped`)
  return parts.join(', ')
}

/** The checklist: configuration, slots (grouped, stacked first within a slot), host, and what was skipped. */
export function renderChecks(checks: Check[], c: ChalkInstance, verbose: boolean): string[] {
  const out: string[] = []
  const shown = checks.filter((k) => k.status !== 'skipped')
  const config = shown.filter((k) => k.slot === null && k.id.startsWith('config-'))
  const slots = shown.filter((k) => k.slot !== null)
    .map((k, i) => ({k, i})).sort((a, b) => parseSlotName(a.k.slot!)! - parseSlotName(b.k.slot!)! || a.i - b.i).map((x) => x.k)
  const host = shown.filter((k) => k.slot === null && !k.id.startsWith('config-'))
  if (config.length > 0) out.push('', c.bold('Configuration'), ...config.flatMap((k) => checkLines(k, '', c, verbose)))
  if (slots.length > 0) {
    out.push('', c.bold('Slots'))
    for (const {names, check} of collapse(slots, verbose)) out.push(...checkLines(check, `${slotRange(names)}: `, c, verbose))
  }
  if (host.length > 0) out.push('', c.bold('Host'), ...host.flatMap((k) => checkLines(k, '', c, verbose)))
  const skipped = checks.filter((k) => k.status === 'skipped')
  if (skipped.length > 0) {
    out.push('', c.gray(`Skipped (a captured mount table was given, nothing on the host was probed): ${skipped.map((k) => k.summary.slice(0, k.summary.indexOf(':'))).join('; ')}.`))
  }
  return out
}

/** The whole report as a checklist for people; with `hint`, how `--fix` would repair it. */
export function renderChecklist(report: DoctorReport, c: ChalkInstance, opts: ChecklistOptions): string {
  const out = [c.bold(`dsynth doctor: ${report.platform}, build base ${report.buildBase}, ${report.slots} ${report.slots === 1 ? 'slot' : 'slots'}`)]
  out.push(...renderChecks(report.checks, c, opts.verbose))
  const s = report.summary
  out.push('', c.bold(`${s.problem > 0 ? c.red('Problems found') : s.warning > 0 ? c.yellow('No problems') : c.green('Everything looks right')}: ${countLine(s)}.`))
  if (opts.hint) {
    const r = report.repair
    const what = [r.plan.changes.length > 0 ? summaryLine(r.plan) : '', r.actions.length > 0 ? `${r.actions.length} other ${r.actions.length === 1 ? 'action' : 'actions'}.` : '']
      .filter(Boolean).join(' ')
    if (what !== '') out.push(report.live ? `Run 'dsynth doctor --fix' to repair: ${what}` : `On the host this table comes from, 'dsynth doctor --fix' would repair: ${what}`)
    if (r.leftAlone.length > 0) out.push(`Slots held by processes are left alone: ${slotRange(r.leftAlone.map((l) => l.slot))} (add --kill to stop them).`)
    if (r.manual > 0) out.push(`${r.manual} ${r.manual === 1 ? 'problem needs' : 'problems need'} you (see "by hand").`)
  }
  return out.join('\n') + '\n'
}
