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

/** Doctor's checklist marks: symbol and colour of each check status. */
export const MARKS: Record<'ok' | 'warning' | 'problem' | 'skipped', {mark: string; color: 'green' | 'yellow' | 'red' | 'gray'}> = {
  ok: {mark: '✓', color: 'green'},
  warning: {mark: '!', color: 'yellow'},
  problem: {mark: '✗', color: 'red'},
  skipped: {mark: '-', color: 'gray'},
}
