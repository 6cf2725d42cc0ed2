import {Chalk, type ChalkInstance} from 'chalk'

/**
 * A chalk instance that honours, first to last: `--no-color` (always wins, also over FORCE_COLOR), FORCE_COLOR
 * (set and not `0`: colour even into a pipe), NO_COLOR (set and not empty: no colour), and whether stdout is a terminal.
 */
export function makeChalk(opts: {color?: boolean; stream?: NodeJS.WriteStream; env?: NodeJS.ProcessEnv} = {}): ChalkInstance {
  const env = opts.env ?? process.env
  const stream = opts.stream ?? process.stdout
  if (opts.color === false) return new Chalk({level: 0})
  const off = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || !stream.isTTY
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0'
  return new Chalk({level: off && !forced ? 0 : 1})
}
