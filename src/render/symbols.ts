import type {ChalkInstance} from 'chalk'
import type {Action} from '../plan/types.js'

/** The one glyph table: symbol, verb and colour of each action (Terraform's `+ create`, `- destroy`, `~ update`). */
export const GLYPHS: Record<Action, {glyph: string; verb: string; color: 'green' | 'red' | 'yellow'}> = {
  mount: {glyph: '+', verb: 'mount', color: 'green'},
  unmount: {glyph: '-', verb: 'unmount', color: 'red'},
  remount: {glyph: '~', verb: 'remount', color: 'yellow'},
}

/** Colours `text` the way `action` is coloured everywhere. */
export function paint(c: ChalkInstance, action: Action, text: string): string {
  return c[GLYPHS[action].color](text)
}
