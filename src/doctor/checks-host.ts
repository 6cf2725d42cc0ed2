import {parseSlotName} from '../layout/slots.js'
import type {MountTable} from '../mounttable/types.js'
import type {LastRun} from '../platform/last-run.js'
import {observedSlots} from '../plan/diff.js'
import {count} from './checks-slots.js'
import type {Check, CheckId, CheckStatus, HostFacts, LockFact, SavedPlanFact, SlotDirFact, SlotHolder, TempFileFact, TemplateFact} from './types.js'

/** Builds a host check (slot null unless given). */
function check(id: CheckId, status: CheckStatus, summary: string, more: Partial<Check> = {}): Check {
  return {id, status, slot: null, summary, evidence: [], mounts: [], fix: null, repair: null, ...more}
}

/** One line per process: `pid 4242  root  sleep 600  (cwd /build/SL01/construction)`. */
export function holderLine(h: SlotHolder): string {
  return `pid ${h.pid}  ${h.user || '?'}  ${h.command || '?'}  (${h.how.join(', ')}: ${h.path})`
}

/** Temporary files older than this without a pid in their name are leftovers. */
export const TEMP_FILE_AGE_MS = 60_000

/**
 * Processes inside slots, one check per slot: they make unmounts fail with "Device busy". With a live dsynth
 * holding the lock they are probably its builders (a warning); otherwise they are left over (a problem).
 */
export function processChecks(holders: SlotHolder[], dsynthRunning: boolean): Check[] {
  if (holders.length === 0) return [check('processes', 'ok', 'processes: none inside any slot')]
  const slots = [...new Set(holders.map((h) => h.slot))].sort((a, b) => parseSlotName(a)! - parseSlotName(b)!)
  return slots.map((slot) => {
    const hs = holders.filter((h) => h.slot === slot)
    return check('slot-processes', dsynthRunning ? 'warning' : 'problem', `${count(hs.length, 'process', 'processes')} inside (${hs.length === 1 ? 'it keeps' : 'they keep'} the slot's mounts busy)${dsynthRunning ? ', probably builders of the running dsynth' : ''}`, {
      slot, evidence: hs.map(holderLine), repair: dsynthRunning ? null : 'kill',
      fix: dsynthRunning ? 'wait for the running dsynth to finish' : `stop ${hs.length === 1 ? 'it' : 'them'} (SIGTERM, then SIGKILL), or leave the slot alone`})
  })
}

/** Mounts the last apply could not unmount (busy) that are still mounted, one check per slot. */
export function lastRunChecks(last: LastRun | null, table: MountTable, buildBase: string, holders: SlotHolder[]): Check[] {
  const observed = observedSlots(table, buildBase)
  const out: Check[] = []
  for (const b of last?.busy ?? []) {
    const mounted = new Set((observed.get(b.slot)?.mounts ?? []).map((m) => m.target))
    const still = b.targets.filter((t) => mounted.has(t))
    if (still.length === 0) continue
    const held = holders.some((h) => h.slot === b.slot)
    out.push(check('slot-busy-last-run', 'problem', `${count(still.length, 'mount')} the last apply (${last!.finishedAt}) left busy ${still.length === 1 ? 'is' : 'are'} still mounted`, {
      slot: b.slot, evidence: [...still, ...b.holders.map((h) => `held then by ${holderLine({...h, slot: b.slot})}`)],
      repair: held ? 'kill' : 'fix', fix: held ? 'stop what holds the slot (--fix --kill), then unmount them' : 'unmount them again (nothing holds the slot now)'}))
  }
  if (out.length > 0) return out
  return [check('last-run', 'ok', last === null ? 'last apply: none recorded' : `last apply (${last.finishedAt}): nothing it left busy is still mounted`)]
}

/** Mounted slots that lack their part of the Template (an interrupted apply, a /dev mounted again on its own). */
export function populateChecks(unpopulated: HostFacts['unpopulated']): Check[] {
  return unpopulated.map((u) => check('slot-unpopulated', 'problem',
    `mounted, but the Template is missing from ${u.mounts.join(', ')}${u.mounts.includes('/dev') ? ' (no device nodes)' : ''}`, {
      slot: u.slot, repair: 'fix', fix: 'copy it in (apply and doctor --fix do)'}))
}

/** Slot directories: symlinks, host files under unmounted slots (written while the root mount was missing), empty leftovers. */
export function slotDirChecks(dirs: SlotDirFact[], builders: number): Check[] {
  const out: Check[] = []
  for (const d of dirs) {
    const index = parseSlotName(d.name)!
    if (d.kind !== 'directory') {
      out.push(check('slot-not-directory', 'problem', `${d.path} is ${d.kind === 'symlink' ? 'a symbolic link' : 'not a directory'}: apply refuses to mount through it`, {
        slot: d.name, repair: 'manual', fix: `remove ${d.path} by hand after checking where it points`}))
      continue
    }
    if (d.rootMounted) continue
    const more = d.truncated ? ' (and more)' : ''
    if (d.files > 0) {
      out.push(check('slot-host-files', 'problem', `${count(d.files, 'file')}${more} on the host filesystem under ${d.path} (written while its root mount was missing)`, {
        slot: d.name, evidence: d.sample, repair: 'manual',
        fix: `look at them and move or remove them by hand; dsynth never deletes them (destroy keeps the directory)${index < builders ? ', and mounting the slot hides them under its root' : ''}`}))
    } else if (d.dirs > 0) {
      out.push(check('slot-host-files', 'warning', `${count(d.dirs, 'empty directory', 'empty directories')}${more} on the host filesystem under ${d.path} (mount points made while its root mount was missing)`, {
        slot: d.name, evidence: d.sample, repair: 'manual', fix: `remove them by hand (find ${d.path} -depth -type d -empty -delete)`}))
    } else if (index >= builders && !d.mounted) {
      out.push(check('slot-leftover-dir', 'warning', `leftover empty directory ${d.path} (Number_of_builders is ${builders})`, {
        slot: d.name, repair: 'fix', fix: 'rmdir it'}))
    }
  }
  if (out.length > 0) return out
  return [check('slot-dirs', 'ok', dirs.length === 0 ? 'slot directories: none yet' : 'slot directories: no leftovers, nothing on the host filesystem underneath')]
}

/** The build base lock: a dead holder or a half-written file is stale. */
export function lockCheck(lock: LockFact): Check {
  switch (lock.state) {
    case 'none': return check('lock', 'ok', 'lock: none (no dsynth is changing the slots)')
    case 'corrupt':
      return check('lock', 'problem', `lock: half-written ${lock.path} (not JSON with a pid: ${JSON.stringify(lock.text.slice(0, 40))})`, {
        repair: 'fix', fix: 'remove it'})
    case 'held': {
      const who = `pid ${lock.info.pid} (${lock.info.command}) by ${lock.info.user}@${lock.info.host} since ${lock.info.startedAt}`
      if (lock.alive === true) return check('lock', 'warning', `lock: held by a running dsynth, ${who}`, {fix: 'wait for it to finish before repairing'})
      if (lock.alive === null) {
        return check('lock', 'warning', `lock: ${lock.path} is held from another host, ${who}`, {repair: 'manual', fix: "if that dsynth is gone, run 'dsynth force-unlock'"})
      }
      return check('lock', 'problem', `lock: stale, ${who} is not running (${lock.path})`, {repair: 'fix', fix: 'remove it'})
    }
  }
}

/** True when a temporary file was left by a process that is gone. */
export function isLeftover(f: TempFileFact): boolean {
  return f.pid !== null ? !f.alive : f.ageMs > TEMP_FILE_AGE_MS
}

/** Temporary lock, last-run and plan files of crashed runs. */
export function tempFileCheck(files: TempFileFact[]): Check {
  const left = files.filter(isLeftover)
  if (left.length === 0) return check('temp-files', 'ok', 'temporary files: none left over')
  return check('temp-files', 'warning', `temporary files: ${count(left.length, 'file')} left over by crashed runs`, {
    evidence: left.map((f) => `${f.path}${f.pid !== null ? ` (pid ${f.pid}, not running)` : ''}`), repair: 'fix', fix: 'remove them'})
}

/** Saved plans given with --plan: current, stale (apply refuses it), half-written or corrupt. */
export function savedPlanChecks(plans: SavedPlanFact[]): Check[] {
  return plans.map((p) => {
    if (p.state === 'current') return check('saved-plan', 'ok', `saved plan ${p.file}: current (${count(p.changes ?? 0, 'change')}; ${p.detail})`)
    if (p.state === 'stale') {
      return check('saved-plan', 'warning', `saved plan ${p.file}: stale, apply refuses it (${p.detail})`, {
        repair: 'manual', fix: `make a new one: dsynth plan --out ${p.file}`})
    }
    const what = p.state === 'other-platform' ? 'made for another platform' : p.state === 'unreadable' ? 'unreadable' : 'half-written or not a dsynth plan'
    return check('saved-plan', 'problem', `saved plan ${p.file}: ${what} (${p.detail})`, {repair: 'manual', fix: `remove it and make a new one: dsynth plan --out ${p.file}`})
  })
}

/** The Template: missing (apply creates a minimal one) or incomplete (marker present, entries missing). */
export function templateCheck(t: TemplateFact): Check {
  if (!t.dir || !t.marker) {
    return check('template', 'warning', `Template: ${t.path} ${!t.dir ? 'does not exist' : 'has no .template.good marker'}: apply creates a minimal one`, {
      repair: 'fix', fix: 'create a minimal Template now'})
  }
  if (t.missing.length > 0) {
    return check('template', 'problem', `Template: ${t.path} is incomplete, ${count(t.missing.length, 'entry', 'entries')} missing`, {
      evidence: t.missing, repair: 'fix', fix: 'recreate a minimal Template (etc/passwd, group and hosts are rewritten)'})
  }
  return check('template', 'ok', `Template: ${t.path} complete`)
}
