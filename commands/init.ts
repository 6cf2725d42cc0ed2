import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../src/base-command.js'
import {initConfig} from '../src/config/init.js'
import {parsePlatformName} from '../src/platform/index.js'

export default class InitCommand extends BaseCommand {
  static summary = 'Write a commented dsynth.ini in C dsynth\'s format and create the directories it names'
  static examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --config /usr/local/etc/dsynth/dsynth.ini --build-base /build',
    '<%= config.bin %> init --force',
  ]

  static flags = {
    config: Flags.string({char: 'c', description: 'where to write dsynth.ini', default: '/etc/dsynth/dsynth.ini'}),
    platform: Flags.string({description: 'Operating_system to write: dragonfly, freebsd or linux (default: this host)', options: ['dragonfly', 'freebsd', 'linux']}),
    'build-base': Flags.string({description: 'Directory_buildbase to write (default /build/synth/build)'}),
    'synth-dir': Flags.string({description: 'parent of packages, options, distfiles, logs... (default /build/synth)'}),
    force: Flags.boolean({description: 'overwrite an existing dsynth.ini'}),
  }

  async run(): Promise<{written: string[]; created: string[]}> {
    const {flags} = await this.parse(InitCommand)
    const result = await initConfig({path: flags.config, force: flags.force, platform: parsePlatformName(flags.platform),
      buildBase: flags['build-base'], synthDir: flags['synth-dir']})
    for (const f of result.written) this.log(`wrote ${f}`)
    for (const d of result.created) this.log(`created ${d}`)
    return result
  }
}
