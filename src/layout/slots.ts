import type {Config, PlatformName} from '../config/types.js'
import {joinSlot} from '../util/paths.js'
import {type LayoutFacts, layoutRows} from './table.js'
import type {DesiredState, SlotSpec} from './types.js'

/** C dsynth's slot name for an index: `SL` + at least two digits (SL00, SL07, SL100). */
export function slotName(index: number): string {
  return 'SL' + String(index).padStart(2, '0')
}

/** The index of a slot directory name, or null when the name is not a slot (SL0, SL007, Template, SLx). */
export function parseSlotName(name: string): number | null {
  const m = /^SL(\d{2,})$/.exec(name)
  if (!m) return null
  const index = Number(m[1])
  return Number.isSafeInteger(index) && slotName(index) === name ? index : null
}

/** Desired state: `config.builders` slots under `buildBase`, each with the platform's layout. */
export function computeDesiredState(config: Config, platform: PlatformName, buildBase: string, facts: LayoutFacts): DesiredState {
  const rows = layoutRows(platform, config, facts)
  const slots: SlotSpec[] = []
  // one frozen option list per row, shared by every slot (and by the plans made from them)
  const options = rows.map((row) => Object.freeze([...row.options]))
  for (let index = 0; index < config.builders; index++) {
    const name = slotName(index)
    const dir = joinSlot(buildBase, '/' + name)
    slots.push({
      name, index, dir,
      mounts: rows.map((row, order) => ({
        slot: name, order, path: row.path, target: joinSlot(dir, row.path), fstype: row.fstype,
        source: row.source, options: options[order], readonly: row.options[0] === 'ro',
      })),
    })
  }
  return {platform, buildBase, slots}
}
