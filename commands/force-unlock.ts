import {BaseCommand, configFlags} from '../src/base-command.js'
import {resolvePath} from '../src/platform/host-facts.js'
import {describeHolder, forceUnlock, lockPath} from '../src/platform/lock.js'

export default class ForceUnlockCommand extends BaseCommand {
  static summary = 'Remove the build base lock, whoever holds it'
  static description = 'Use only when the holder is known to be gone. A lock whose process is dead is taken over automatically; this is for locks left by a process on another host or a reused pid.'
  static examples = ['<%= config.bin %> force-unlock']
  static flags = {...configFlags}

  async run(): Promise<{removed: boolean; lock: string}> {
    const {flags} = await this.parse(ForceUnlockCommand)
    const config = await this.loadConfig(flags)
    const buildBase = await resolvePath(config.directories.buildbase)
    const held = await forceUnlock(buildBase)
    const lock = lockPath(buildBase)
    if (held === null) this.log(`No lock at ${lock}.`)
    else this.log(`Removed ${lock}${'pid' in held ? ` held by ${describeHolder(held)}` : ' (unreadable)'}.`)
    return {removed: held !== null, lock}
  }
}
