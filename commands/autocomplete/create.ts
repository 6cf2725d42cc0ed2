import {runPluginCommand} from '../../src/autocomplete.js'
import {BaseCommand} from '../../src/base-command.js'

export default class AutocompleteCreateCommand extends BaseCommand {
  static enableJsonFlag = false
  static hidden = true
  static description = 'create autocomplete setup scripts and completion functions'

  async run(): Promise<void> {
    await this.parse(AutocompleteCreateCommand)
    await runPluginCommand(this, 'autocomplete:create')
  }
}
