/**
 * The command map for oclif's `explicit` strategy, with every command imported: what `bin/dev.mjs` (oclif's development
 * mode, from the TypeScript sources) and the manifest read. The bundle that `bin/run.js` loads is built from
 * cli-bundle.ts instead, which evaluates a command's module only when that command runs.
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

export {execute} from './execute.js'

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
