import type {ChalkInstance} from 'chalk'
import type {SlotState, SlotStatus} from '../plan/types.js'

const COLOR: Record<SlotState, 'green' | 'yellow' | 'red' | 'magenta'> = {
  ok: 'green', partial: 'yellow', missing: 'yellow', drifted: 'yellow', stacked: 'red', extra: 'magenta',
}

/** The slot table of `dsynth status`: name, state, layers, mounts observed/desired. */
export function renderStatusHuman(states: SlotStatus[], c: ChalkInstance): string {
  const rows = [['SLOT', 'STATE', 'LAYERS', 'MOUNTS'], ...states.map((s) => [s.name, s.state, String(s.layers), `${s.observed}/${s.desired}`])]
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows.map((r, n) => {
    const cells = r.map((cell, i) => cell.padEnd(widths[i]))
    if (n > 0) cells[1] = c[COLOR[states[n - 1].state]](cells[1])
    return cells.join('  ').trimEnd()
  }).join('\n') + '\n'
}
