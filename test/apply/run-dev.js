// Runs one dsynth command from the TypeScript sources: `node --import tsx test/apply/run-dev.js apply --flags...`.
// The command class is imported from commands/<id>.ts and run against the project's oclif config, so the CLI tests
// exercise the current commands/ and src/ whatever the state of dist/ (oclif itself would load the commands listed
// in oclif.manifest.json from dist/, which parallel builds rewrite).
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const [id, ...argv] = process.argv.slice(2)
if (!/^[a-z-]+$/.test(id ?? '')) {
  process.stderr.write('usage: node --import tsx test/apply/run-dev.js COMMAND [ARGS...]\n')
  process.exit(64)
}
const {default: Command} = await import(`../../commands/${id}.ts`)
Command.id = id
await Command.run(argv, root)
