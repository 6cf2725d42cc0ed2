import {createInterface} from 'node:readline/promises'
import {UsageError} from '../errors.js'

/** Asks Terraform's question on the terminal; only `yes` approves. Refuses when stdin is not a terminal or with --json. */
export async function askApproval(verb: 'apply' | 'destroy', opts: {json?: boolean} = {}): Promise<boolean> {
  if (opts.json) {
    throw new UsageError('NEEDS_APPROVAL', `refusing to ${verb} with --json without --auto-approve`, {
      suggestions: [`automation reviews the plan first (dsynth plan${verb === 'destroy' ? ' --destroy' : ''} --json --out FILE) and then runs dsynth apply FILE or passes --auto-approve`],
    })
  }
  if (!process.stdin.isTTY) {
    throw new UsageError('NEEDS_APPROVAL', `refusing to ${verb} without approval: stdin is not a terminal`, {
      suggestions: [`review the plan and pass --auto-approve, or save it with \`dsynth plan${verb === 'destroy' ? ' --destroy' : ''} --out FILE\` and run \`dsynth apply FILE\``],
    })
  }
  const rl = createInterface({input: process.stdin, output: process.stdout})
  try {
    const answer = await rl.question(`\nDo you want to perform these actions?\n  dsynth will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `)
    return answer.trim() === 'yes'
  } finally {
    rl.close()
  }
}
