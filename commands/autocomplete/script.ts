import * as Args from '@oclif/core/args'
import {runPluginCommand} from '../../src/autocomplete.js'
import {BaseCommand} from '../../src/base-command.js'

export default class AutocompleteScriptCommand extends BaseCommand {
  static enableJsonFlag = false
  static hidden = true
  static description = 'outputs autocomplete config script for shells'
  static args = {shell: Args.string({description: 'Shell type', options: ['zsh', 'bash', 'powershell'], required: false, ignoreStdin: true})}

  async run(): Promise<void> {
    await this.parse(AutocompleteScriptCommand)
    await runPluginCommand(this, 'autocomplete:script')
  }
}
