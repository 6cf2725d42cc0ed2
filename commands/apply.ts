import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {askApproval} from '../src/apply/approve.js'
import {DEFAULT_PARALLELISM} from '../src/apply/execute.js'
import {trapInterrupts} from '../src/apply/interrupt.js'
import {parseDuration, runApply} from '../src/apply/run-apply.js'
import {BaseCommand, configFlags} from '../src/base-command.js'
import {EXIT} from '../src/errors.js'
import {liveView} from '../src/render/apply-live.js'
import {type ApplyView, jsonView, linesView} from '../src/render/apply-progress.js'

export default class ApplyCommand extends BaseCommand {
  static enableJsonFlag = false
  static summary = 'Mount and unmount so that the slots match dsynth.ini'
  static description = 'Plans, shows the plan, asks for approval, then unmounts stacked/extra/wrong mounts newest first and mounts what is missing, slot by slot in parallel. Running it again changes nothing. With PLANFILE, applies a saved plan without asking, and refuses it when it is stale.'
  static examples = [
    '<%= config.bin %> apply',
    '<%= config.bin %> apply --auto-approve --parallelism 8',
    '<%= config.bin %> apply slots.plan',
    '<%= config.bin %> apply --auto-approve --json --lock-timeout 2m',
  ]

  // ignoreStdin: oclif would otherwise read piped stdin as the argument (`echo yes | dsynth apply`)
  static args = {planfile: Args.string({description: 'saved plan from `dsynth plan --out FILE`', ignoreStdin: true})}
  static flags = {
    ...configFlags,
    'auto-approve': Flags.boolean({char: 'y', description: 'do not ask for approval'}),
    parallelism: Flags.integer({description: 'slots worked on at once', min: 1, max: 1024, default: DEFAULT_PARALLELISM}),
    'busy-timeout': Flags.string({description: 'how long busy unmounts are retried before they are reported (e.g. 5s)', default: '5s'}),
    'lock-timeout': Flags.string({description: 'how long to wait for another dsynth holding the build base (e.g. 30s, 2m; plain number = seconds)', default: '0'}),
    slot: Flags.string({description: 'limit to this slot (repeatable)', multiple: true}),
    destroy: Flags.boolean({description: 'unmount every slot and remove the slot directories (= dsynth destroy)'}),
    json: Flags.boolean({description: 'print one JSON object per line: plan, each operation, summary'}),
  }

  protected mode: 'apply' | 'destroy' = 'apply'

  /** --json is this command's own flag (JSON lines, not one document); errors then come out as JSON too. */
  jsonEnabled(): boolean {
    return this.argv.includes('--json')
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(this.constructor as typeof ApplyCommand)
    const config = await this.loadConfig(flags)
    const {name, platform} = this.platformFor(flags)
    const c = this.chalk(flags)
    const out = (l: string) => process.stdout.write(l + '\n')
    const err = (l: string) => process.stderr.write(l + '\n')
    const view: ApplyView = flags.json ? jsonView(out)
      : process.stdout.isTTY && flags.color !== false ? await liveView(out, c, err) : linesView(out, c, err)
    const interrupts = trapInterrupts(err)
    try {
      const mode = flags.destroy ? 'destroy' : this.mode
      const result = await runApply({config, platformName: name, platform, mode, slots: flags.slot, planFile: args.planfile,
        parallelism: flags.parallelism, busyTimeoutMs: parseDuration(flags['busy-timeout'], '--busy-timeout'),
        lockTimeoutMs: parseDuration(flags['lock-timeout'], '--lock-timeout'), command: `dsynth ${this.id} ${this.argv.join(' ')}`.trim(),
        signal: interrupts.signal,
        approve: async () => flags['auto-approve'] || askApproval(mode, {json: flags.json}),
        onPlan: (plan) => view.plan(plan), onEvent: (e) => view.event(e), onNote: (t) => view.note(t)})
      view.result(result)
      process.exitCode = result.status === 'interrupted' ? EXIT.INTERRUPTED : result.ok || result.status === 'no-changes' ? EXIT.OK : EXIT.ERROR
    } finally {
      interrupts.dispose()
    }
  }
}
