/**
 * oclif's `execute` with dsynth's exit statuses, shared by the bundle entry (cli-bundle.ts) and the development entry
 * (cli.ts).
 */
import {flush} from '@oclif/core/flush'
import {handle} from '@oclif/core/handle'
import {run} from '@oclif/core/run'
import {readFileSync} from 'node:fs'
import path from 'node:path'
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
        const suggestions = unknown === null ? e.suggestions ?? [] : suggestName(unknown[1].replaceAll(':', ' '), commandIds(opts.dir))
        if (args.includes('--json')) process.stdout.write(JSON.stringify({error: {code: 'USAGE', message: e.message, suggestions}}) + '\n')
        else process.stderr.write([`Error: ${e.message}`, ...suggestions.map((x) => `  ${x}`), '  dsynth --help lists the commands', ''].join('\n'))
        process.exitCode = 1
        return undefined
      }
    }
    return handle(e)
  }
}

/** The command ids (`autocomplete create`), from the oclif manifest beside package.json; none when it cannot be read. */
function commandIds(dir: string): string[] {
  const root = dir.startsWith('file:') ? path.dirname(path.dirname(new URL(dir).pathname)) : dir
  try {
    const manifest = JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
    return Object.keys(manifest.commands).map((id) => id.replaceAll(':', ' '))
  } catch {
    return []
  }
}
