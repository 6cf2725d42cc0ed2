import {Chalk, type ChalkInstance} from 'chalk'

/** A chalk instance that honours `--no-color`, NO_COLOR and whether stdout is a terminal. */
export function makeChalk(opts: {color?: boolean; stream?: NodeJS.WriteStream; env?: NodeJS.ProcessEnv} = {}): ChalkInstance {
  const env = opts.env ?? process.env
  const stream = opts.stream ?? process.stdout
  const off = opts.color === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || !stream.isTTY
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0'
  return new Chalk({level: off && !forced ? 0 : 1})
}
