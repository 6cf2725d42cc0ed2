import * as Flags from '@oclif/core/flags'
import {BaseCommand, configFlags} from '../src/base-command.js'
import {EXIT} from '../src/errors.js'
import {savePlanFile} from '../src/plan/plan-file.js'
import {preparePlan} from '../src/plan/prepare.js'
import type {Plan} from '../src/plan/types.js'
import {renderPlanHuman} from '../src/render/plan-human.js'
import {printable} from '../src/render/printable.js'

export default class PlanCommand extends BaseCommand {
  static summary = 'Show what apply would mount, unmount and remount to make the slots match dsynth.ini'
  static description = 'Computes the desired slots from dsynth.ini, reads the live mount table (or a captured one with --mounts), and shows stacked, missing, extra and drifted mounts and exactly what `dsynth apply` would do. Changes nothing.'
  static examples = [
    '<%= config.bin %> plan',
    '<%= config.bin %> plan --mounts mounts.txt --platform dragonfly --config dsynth.ini',
    '<%= config.bin %> plan --detailed-exitcode --out slots.plan',
    '<%= config.bin %> plan --slot SL03 --diff',
    '<%= config.bin %> plan --destroy --json',
  ]

  static flags = {
    ...configFlags,
    mounts: Flags.string({char: 'm', description: 'read a captured mount table (BSD `mount`, `mount -p` or Linux mountinfo; - for stdin) instead of the live one'}),
    out: Flags.string({char: 'o', description: 'save the plan to FILE for `dsynth apply FILE`'}),
    destroy: Flags.boolean({description: 'plan the removal of every slot'}),
    slot: Flags.string({description: 'limit the plan to this slot (repeatable)', multiple: true}),
    diff: Flags.boolean({description: 'also print a unified diff of the live and desired slot mounts'}),
    'detailed-exitcode': Flags.boolean({description: 'exit 0 when there are no changes, 2 when there are, 1 on error'}),
  }

  async run(): Promise<Plan & {diff?: string}> {
    const {flags} = await this.parse(PlanCommand)
    const config = await this.loadConfig(flags)
    const {name, platform} = this.platformFor(flags)
    const {plan, desired} = await preparePlan({config, platformName: name, platform, mountsFile: flags.mounts,
      mode: flags.destroy ? 'destroy' : 'apply', slots: flags.slot})
    if (flags.out) await savePlanFile(flags.out, plan, {configFile: config.file, profile: config.profile})
    if (!this.jsonEnabled()) {
      const c = this.chalk(flags)
      for (const w of plan.warnings) this.logToStderr(c.yellow(`Warning: ${printable(w)}`))
      this.log(renderPlanHuman({...plan, warnings: []}, c).trimEnd())
      // the diff package is loaded only for --diff
      if (flags.diff) this.log('\n' + (await import('../src/render/plan-diff.js')).renderPlanDiff(plan, desired).trimEnd())
      if (flags.out) this.log(`\nSaved the plan to ${flags.out}. To perform exactly these actions, run: dsynth apply ${flags.out}`)
    }
    if (flags['detailed-exitcode']) process.exitCode = plan.changes.length > 0 ? EXIT.CHANGES : EXIT.OK
    // under --json the diff is a field of the document
    if (flags.diff && this.jsonEnabled()) return {...plan, diff: (await import('../src/render/plan-diff.js')).renderPlanDiff(plan, desired)}
    return plan
  }
}
