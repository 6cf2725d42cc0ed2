/**
 * The entry of the bundle (`dist/src/cli.js`, made by scripts/bundle.js): oclif's `execute` and every command, for
 * oclif's `explicit` command strategy. One file holds everything start-up needs, so bin/run.js compiles it from V8's
 * code cache instead of resolving, reading and compiling hundreds of modules.
 */
import ApplyCommand from '../commands/apply.js'
import AutocompleteCreateCommand from '../commands/autocomplete/create.js'
import AutocompleteCommand from '../commands/autocomplete/index.js'
import AutocompleteScriptCommand from '../commands/autocomplete/script.js'
import BuildCommand from '../commands/build.js'
import DestroyCommand from '../commands/destroy.js'
import DoctorCommand from '../commands/doctor.js'
import ForceUnlockCommand from '../commands/force-unlock.js'
import InitCommand from '../commands/init.js'
import PlanCommand from '../commands/plan.js'
import StatusCommand from '../commands/status.js'

export {execute} from '@oclif/core/execute'

/** Command id → class; package.json `oclif.commands` names this export. */
export const COMMANDS = {
  apply: ApplyCommand,
  autocomplete: AutocompleteCommand,
  'autocomplete:create': AutocompleteCreateCommand,
  'autocomplete:script': AutocompleteScriptCommand,
  build: BuildCommand,
  destroy: DestroyCommand,
  doctor: DoctorCommand,
  'force-unlock': ForceUnlockCommand,
  init: InitCommand,
  plan: PlanCommand,
  status: StatusCommand,
}
