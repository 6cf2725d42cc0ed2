import * as Flags from '@oclif/core/flags'
import {askApproval} from '../src/apply/approve.js'
import {DEFAULT_PARALLELISM} from '../src/apply/execute.js'
import {trapInterrupts} from '../src/apply/interrupt.js'
import {parseDuration} from '../src/apply/run-apply.js'
import {BaseCommand, configFlags} from '../src/base-command.js'
import {runDoctor} from '../src/doctor/run-doctor.js'
import type {DoctorReport} from '../src/doctor/types.js'
import {humanView} from '../src/doctor/view.js'
import {UsageError} from '../src/errors.js'

export default class DoctorCommand extends BaseCommand {
  static summary = 'Find and repair what crashes leave behind: stacked, extra and partial slots, busy processes, stale locks'
  static description = 'Checks the configuration, every slot against dsynth.ini, the processes inside slots, the lock, leftover files and directories, the Template and what the last apply left busy, and explains each finding. Exit 0: nothing wrong; 2: problems found; 1: error. With --fix, shows the repair plan, asks, and repairs through the same machinery as apply; processes are only stopped with --kill.'
  static examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --mounts mounts.txt --platform dragonfly --config dsynth.ini --verbose',
    '<%= config.bin %> doctor --fix',
    '<%= config.bin %> doctor --fix --kill --auto-approve',
    '<%= config.bin %> doctor --plan slots.plan --json',
  ]

  static flags = {
    ...configFlags,
    mounts: Flags.string({char: 'm', description: 'check a captured mount table (- for stdin): only the table-based checks run, nothing on the host is probed'}),
    plan: Flags.string({description: 'also check this saved plan for staleness or damage (repeatable)', multiple: true}),
    verbose: Flags.boolean({char: 'v', description: 'show the mount lines behind each finding'}),
    fix: Flags.boolean({description: 'repair: show the repair plan, ask, then apply it', exclusive: ['mounts']}),
    kill: Flags.boolean({description: 'with --fix: stop processes inside slots (SIGTERM, then SIGKILL) instead of leaving those slots alone', dependsOn: ['fix']}),
    'auto-approve': Flags.boolean({char: 'y', description: 'with --fix: do not ask for approval'}),
    'kill-timeout': Flags.string({description: 'how long processes get after SIGTERM before SIGKILL (e.g. 5s)', default: '5s'}),
    'busy-timeout': Flags.string({description: 'how long busy unmounts are retried before they are reported (e.g. 5s)', default: '5s'}),
    parallelism: Flags.integer({description: 'slots repaired at once', min: 1, max: 1024, default: DEFAULT_PARALLELISM}),
  }

  async run(): Promise<DoctorReport> {
    const {flags} = await this.parse(DoctorCommand)
    const json = this.jsonEnabled()
    if (flags.fix && json && !flags['auto-approve']) {
      throw new UsageError('NEEDS_APPROVAL', '--fix with --json needs --auto-approve', {suggestions: ['review `dsynth doctor` first, then pass --auto-approve']})
    }
    const killTimeoutMs = parseDuration(flags['kill-timeout'], '--kill-timeout')
    const config = await this.loadConfig(flags)
    const {name, platform} = this.platformFor(flags)
    const c = this.chalk(flags)
    const out = (l: string) => process.stdout.write(l + '\n')
    const err = (l: string) => process.stderr.write(l + '\n')
    const interrupts = flags.fix ? trapInterrupts(err) : null
    try {
      const report = await runDoctor({config, platformName: name, platform, mountsFile: flags.mounts, planFiles: flags.plan ?? [],
        fix: flags.fix, kill: flags.kill, parallelism: flags.parallelism, killTimeoutMs,
        busyTimeoutMs: parseDuration(flags['busy-timeout'], '--busy-timeout'),
        command: `dsynth ${this.id} ${this.argv.join(' ')}`.trim(), signal: interrupts?.signal,
        approve: async () => flags['auto-approve'] || await askApproval('apply'),
        view: json ? undefined : humanView(out, err, c, {verbose: flags.verbose, fix: flags.fix, killTimeoutMs})})
      process.exitCode = report.exit
      return report
    } finally {
      interrupts?.dispose()
    }
  }
}
