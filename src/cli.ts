/**
 * The entry of the bundle (`dist/src/cli.js`, made by scripts/bundle.js): oclif's `execute` and every command, for
 * oclif's `explicit` command strategy. One file holds everything start-up needs, so bin/run.js compiles it from V8's
 * code cache instead of resolving, reading and compiling hundreds of modules.
 */
import ApplyCommand from '../commands/apply.js'
import AutocompleteCreateCommand from '../commands/autocomplete/create.js'
import AutocompleteCommand from '../commands/autocomplete/index.js'
import AutocompleteScriptCommand from '../commands/autocomplete/script.js'
import BuildCommand from '../commands/build.js'
import DestroyCommand from '../commands/destroy.js'
import DoctorCommand from '../commands/doctor.js'
import ForceUnlockCommand from '../commands/force-unlock.js'
import InitCommand from '../commands/init.js'
import PlanCommand from '../commands/plan.js'
import StatusCommand from '../commands/status.js'

import {flush} from '@oclif/core/flush'
import {handle} from '@oclif/core/handle'
import {run} from '@oclif/core/run'
import {suggestName} from './config/keys.js'

/** What bin/run.js passes: where the CLI lives, and the arguments (default: the process's). */
export interface ExecuteOptions {
  dir: string
  args?: string[]
}

/**
 * oclif's `execute`, with dsynth's exit statuses for errors raised before a command runs (an unknown command or
 * topic): 1, never oclif's default 2, which `plan --detailed-exitcode` uses for "changes present"; under --json the
 * error is a JSON document on one line. Errors of a running command are its own (BaseCommand.catch) and pass through.
 */
export async function execute(opts: ExecuteOptions): Promise<unknown> {
  const args = opts.args ?? process.argv.slice(2)
  try {
    const result = await run(args, opts.dir)
    await flush()
    return result
  } catch (error) {
    const e = error as Error & {oclif?: {exit?: number}; code?: string; suggestions?: string[]}
    // a command that ended with this.exit(n) (help, version) says so with code EEXIT: keep its status
    if (e.code !== 'EEXIT' && e.oclif?.exit !== 0) {
      e.oclif = {...e.oclif, exit: 1}
      const unknown = /^command (\S+) not found/.exec(e.message)
      if (unknown !== null || args.includes('--json')) {
        if (unknown !== null) e.message = e.message.replace(unknown[1], unknown[1].replaceAll(':', ' '))
        const suggestions = unknown === null ? e.suggestions ?? [] : suggestName(unknown[1].replaceAll(':', ' '), Object.keys(COMMANDS).map((id) => id.replaceAll(':', ' ')))
        if (args.includes('--json')) process.stdout.write(JSON.stringify({error: {code: 'USAGE', message: e.message, suggestions}}) + '\n')
        else process.stderr.write([`Error: ${e.message}`, ...suggestions.map((x) => `  ${x}`), '  dsynth --help lists the commands', ''].join('\n'))
        process.exitCode = 1
        return undefined
      }
    }
    return handle(e)
  }
}

/** Command id → class; package.json `oclif.commands` names this export. */
export const COMMANDS = {
  apply: ApplyCommand,
  autocomplete: AutocompleteCommand,
  'autocomplete:create': AutocompleteCreateCommand,
  'autocomplete:script': AutocompleteScriptCommand,
  build: BuildCommand,
  destroy: DestroyCommand,
  doctor: DoctorCommand,
  'force-unlock': ForceUnlockCommand,
  init: InitCommand,
  plan: PlanCommand,
  status: StatusCommand,
}
