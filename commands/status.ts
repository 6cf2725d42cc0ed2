import * as Flags from '@oclif/core/flags'
import {BaseCommand, configFlags} from '../src/base-command.js'
import {preparePlan} from '../src/plan/prepare.js'
import type {SlotStatus} from '../src/plan/types.js'
import {renderStatusHuman} from '../src/render/status-human.js'

/** The document `status --json` prints. */
interface StatusJson {
  platform: string
  buildBase: string
  slots: number
  slotStates: SlotStatus[]
}

export default class StatusCommand extends BaseCommand {
  static summary = 'Show each slot: state, layers, mounts observed/desired'
  static examples = ['<%= config.bin %> status', '<%= config.bin %> status --mounts mounts.txt --platform dragonfly --json']
  static flags = {
    ...configFlags,
    mounts: Flags.string({char: 'm', description: 'read a captured mount table instead of the live one (- for stdin)'}),
  }

  async run(): Promise<StatusJson> {
    const {flags} = await this.parse(StatusCommand)
    const config = await this.loadConfig(flags)
    const {name, platform} = this.platformFor(flags)
    const {plan} = await preparePlan({config, platformName: name, platform, mountsFile: flags.mounts, mode: 'apply'})
    if (!this.jsonEnabled()) this.log(renderStatusHuman(plan.slotStates, this.chalk(flags)).trimEnd())
    return {platform: plan.platform, buildBase: plan.buildBase, slots: plan.slots, slotStates: plan.slotStates}
  }
}
