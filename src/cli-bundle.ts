/**
 * The entry of the bundle (`dist/src/cli.js`, made by scripts/bundle.js): oclif's `execute` and every command, for
 * oclif's `explicit` command strategy. One file holds everything start-up needs, so bin/run.js compiles it from V8's
 * code cache instead of resolving, reading and compiling hundreds of modules. Each command's module (and what only it
 * uses) is evaluated when oclif first asks for that command: esbuild turns each `require` below into a lazy
 * initialiser inside the bundle, so `dsynth --version` or `dsynth plan` evaluate nothing of `build` or `doctor`.
 * The map must name the same commands as cli.ts (a test compares them).
 */
import type {Command} from '@oclif/core/command'

export {execute} from './execute.js'

type CommandClass = typeof Command

/** `require` of one command module's default export; only ever runs inside the CommonJS bundle. */
const load = (m: {default: CommandClass}): CommandClass => m.default

/** Command id → class, each looked up on first use; package.json `oclif.commands` names this export. */
export const COMMANDS = {
  get apply() { return load(require('../commands/apply.js')) },
  get autocomplete() { return load(require('../commands/autocomplete/index.js')) },
  get 'autocomplete:create'() { return load(require('../commands/autocomplete/create.js')) },
  get 'autocomplete:script'() { return load(require('../commands/autocomplete/script.js')) },
  get build() { return load(require('../commands/build.js')) },
  get destroy() { return load(require('../commands/destroy.js')) },
  get doctor() { return load(require('../commands/doctor.js')) },
  get 'force-unlock'() { return load(require('../commands/force-unlock.js')) },
  get init() { return load(require('../commands/init.js')) },
  get plan() { return load(require('../commands/plan.js')) },
  get status() { return load(require('../commands/status.js')) },
}
