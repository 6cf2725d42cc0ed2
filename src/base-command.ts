import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type {Interfaces} from '@oclif/core'
import type {ChalkInstance} from 'chalk'
import {loadConfig} from './config/load.js'
import type {Config, PlatformName} from './config/types.js'
import {EXIT, ioHints, isDsynthError, UsageError} from './errors.js'
import {createPlatform, parsePlatformName} from './platform/index.js'
import type {Platform} from './platform/types.js'
import {makeChalk} from './render/color.js'

/** Flags every command that reads the configuration shares. */
export const configFlags = {
  config: Flags.string({char: 'c', description: 'dsynth.ini to read (default: /etc/dsynth/dsynth.ini, then /usr/local/etc/dsynth/dsynth.ini)', env: 'DSYNTH_CONFIG', helpGroup: 'GLOBAL'}),
  profile: Flags.string({char: 'p', description: 'profile section to use (default: DSYNTH_PROFILE, then profile_selected, then LiveSystem)', helpGroup: 'GLOBAL'}),
  platform: Flags.string({description: 'slot layout and command syntax: dragonfly, freebsd or linux (default: this host)', options: ['dragonfly', 'freebsd', 'linux'], helpGroup: 'GLOBAL'}),
  color: Flags.boolean({description: 'colour the output (--no-color or NO_COLOR turn it off)', allowNo: true, default: true, helpGroup: 'GLOBAL'}),
}

/** Shared behaviour: config loading, platform choice, colour, and one mapping from errors to exit statuses. */
export abstract class BaseCommand extends Command {
  /** Set by subclasses that print JSON documents through oclif's --json. */
  static enableJsonFlag = true

  protected chalk(flags: {color?: boolean}): ChalkInstance {
    return makeChalk({color: flags.color})
  }

  /** Loads dsynth.ini (or the defaults) and prints its warnings to stderr. */
  protected async loadConfig(flags: {config?: string; profile?: string}): Promise<Config> {
    if (flags.config === '') throw new UsageError('BAD_CONFIG_PATH', '--config: the path is empty', {suggestions: ['name a dsynth.ini, or leave --config out to search the default places']})
    const config = await loadConfig({configPath: flags.config, profile: flags.profile, resolveBuildBase: true})
    for (const w of config.warnings) this.logToStderr(w)
    return config
  }

  protected platformFor(flags: {platform?: string}): {name: PlatformName; platform: Platform} {
    const name = parsePlatformName(flags.platform)
    return {name, platform: createPlatform(name)}
  }

  /** Every error ends here: a clear message (or a JSON error document), suggestions, and an explicit exit status. */
  async catch(err: Interfaces.CommandError): Promise<void> {
    const known = isDsynthError(err)
    const oclifExit = (err as {oclif?: {exit?: number}}).oclif?.exit
    const exit = known ? err.exit : oclifExit === 0 ? 0 : EXIT.ERROR
    if (exit === 0 && !known) return
    process.exitCode = exit
    // a system error that escaped its call site (disk full, read-only filesystem) still says what to do
    const suggestions = known ? err.suggestions : [...(err as {suggestions?: string[]}).suggestions ?? [], ...ioHints(err)]
    if (this.jsonEnabled()) {
      // one line: apply, destroy and build print JSON lines, and an error must not break a reader of them
      process.stdout.write(JSON.stringify({error: {code: known ? err.code : (err as {code?: string}).code ?? 'ERROR', message: err.message, suggestions}}) + '\n')
      return
    }
    this.logToStderr(`Error: ${err.message}`)
    for (const s of suggestions) this.logToStderr(`  ${s}`)
  }
}
