import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {runPluginCommand} from '../../src/autocomplete.js'
import {BaseCommand} from '../../src/base-command.js'

export default class AutocompleteCommand extends BaseCommand {
  static enableJsonFlag = false
  static summary = 'Display autocomplete installation instructions'
  static description = 'Shell completion for bash, zsh and powershell, from @oclif/plugin-autocomplete.'
  static examples = ['<%= config.bin %> autocomplete', '<%= config.bin %> autocomplete bash', '<%= config.bin %> autocomplete --refresh-cache']
  static args = {shell: Args.string({description: 'Shell type', options: ['zsh', 'bash', 'powershell'], required: false, ignoreStdin: true})}
  static flags = {'refresh-cache': Flags.boolean({char: 'r', description: 'Refresh cache (ignores displaying instructions)'})}

  async run(): Promise<void> {
    await this.parse(AutocompleteCommand)
    await runPluginCommand(this, 'autocomplete')
  }
}
