import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {askApproval} from '../src/apply/approve.js'
import {trapInterrupts} from '../src/apply/interrupt.js'
import {parseDuration} from '../src/apply/run-apply.js'
import {BaseCommand, configFlags} from '../src/base-command.js'
import {runBuildCommand} from '../src/build/command.js'
import {EXIT} from '../src/errors.js'

export default class BuildCommand extends BaseCommand {
  static enableJsonFlag = false
  static strict = false
  static summary = 'Build ports and their dependencies in parallel on the reconciled slots'
  static description = 'Makes sure the slots match dsynth.ini (the plan is shown and applied first, with the same approval rules as apply), asks the ports tree for every dependency, skips packages that are up to date, and builds the rest one port per slot at a time, longest chain first. Logs go to Directory_logs with C dsynth\'s names.'
  static examples = [
    '<%= config.bin %> build -y devel/libgreet misc/hello',
    '<%= config.bin %> build --dry-run meta/everything',
    '<%= config.bin %> build -y --force misc/hello --json',
  ]

  static args = {origins: Args.string({description: 'ports to build: category/port or category/port@flavor', ignoreStdin: true})}
  static flags = {
    ...configFlags,
    'auto-approve': Flags.boolean({char: 'y', description: 'apply the slot plan without asking'}),
    force: Flags.boolean({description: 'rebuild the named origins even when their package is up to date'}),
    'dry-run': Flags.boolean({char: 'n', description: 'print the build order and what would be skipped; build nothing'}),
    json: Flags.boolean({description: 'print one JSON object per event'}),
    'lock-timeout': Flags.string({description: 'how long to wait for another dsynth holding the build base', default: '0'}),
    'busy-timeout': Flags.string({description: 'how long busy unmounts are retried while reconciling the slots', default: '5s'}),
  }

  /** --json is this command's own flag (JSON lines, not one document); errors then come out as JSON too. */
  jsonEnabled(): boolean {
    return this.argv.includes('--json')
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(BuildCommand)
    const config = await this.loadConfig(flags)
    const {name, platform} = this.platformFor(flags)
    const interrupts = trapInterrupts((l) => process.stderr.write(l + '\n'))
    try {
      const status = await runBuildCommand({config, platformName: name, platform, origins: argv as string[], force: flags.force,
        dryRun: flags['dry-run'], json: flags.json, chalk: this.chalk(flags), signal: interrupts.signal,
        lockTimeoutMs: parseDuration(flags['lock-timeout'], '--lock-timeout'), busyTimeoutMs: parseDuration(flags['busy-timeout'], '--busy-timeout'),
        approve: async () => flags['auto-approve'] || askApproval('apply', {json: flags.json}),
        command: `dsynth build ${this.argv.join(' ')}`.trim()})
      process.exitCode = status === 'interrupted' ? EXIT.INTERRUPTED : status === 'ok' ? EXIT.OK : EXIT.ERROR
    } finally {
      interrupts.dispose()
    }
  }
}
