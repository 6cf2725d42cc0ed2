import type {Command} from '@oclif/core/command'
import {createRequire} from 'node:module'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

/** The commands of @oclif/plugin-autocomplete, by id, as files of its lib/ directory. */
const PLUGIN_COMMANDS = {
  autocomplete: 'commands/autocomplete/index.js',
  'autocomplete:script': 'commands/autocomplete/script.js',
  'autocomplete:create': 'commands/autocomplete/create.js',
} as const

/**
 * Runs a command of @oclif/plugin-autocomplete, loaded only when it is asked for. The plugin is not registered as an
 * oclif plugin: loading one costs every start of dsynth several milliseconds, for commands a user runs once. The thin
 * classes in commands/autocomplete/ declare the same arguments and flags (for help and a first check); the plugin then
 * parses them again and does the work.
 */
export async function runPluginCommand(command: Command, id: keyof typeof PLUGIN_COMMANDS): Promise<void> {
  // the package exports only its (empty) lib/index.js: find lib/ from it, resolving as Node does from dsynth's root
  const main = createRequire(path.join(command.config.root, 'package.json')).resolve('@oclif/plugin-autocomplete')
  const file = pathToFileURL(path.join(path.dirname(main), PLUGIN_COMMANDS[id])).href
  const {default: Impl} = await import(file) as {default: {run(argv: string[], config: unknown): Promise<unknown>}}
  await Impl.run(command.argv, command.config)
}
