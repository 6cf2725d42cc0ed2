// Writes V8's code cache of the bundle (`npm run build`): loads it as bin/run.js does, runs the commands users start
// most (with their output discarded) so that their functions are compiled, then saves what V8 compiled.
'use strict'
const path = require('node:path')
const {load, saveCache} = require('../bin/load.cjs')

const root = path.join(__dirname, '..')
const fixture = (f) => path.join(root, 'test', 'fixtures', f)
const seed = ['--platform', 'dragonfly', '--config', fixture('config/seed-tripled.ini'), '--mounts', fixture('mounttables/seed-tripled.txt')]
const runs = [['--version'], ['plan', ...seed], ['plan', '--json', ...seed], ['status', ...seed], ['doctor', ...seed], ['plan', '--help']]

async function main() {
  const {cli, script} = load()
  const write = {out: process.stdout.write, err: process.stderr.write}
  process.stdout.write = process.stderr.write = () => true
  try {
    for (const argv of runs) await cli.execute({args: argv, dir: root}).catch(() => undefined)
    // the bundle evaluates a command's modules when the command first runs: evaluate every one here, so that the
    // code of the commands that cannot run at build time (apply, destroy, build) is in the cache too
    for (const id of Object.keys(cli.COMMANDS)) void cli.COMMANDS[id]
  } finally {
    process.stdout.write = write.out
    process.stderr.write = write.err
    process.exitCode = 0
  }
  saveCache(script)
}

main()
