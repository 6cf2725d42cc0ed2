import {defineKillSuite} from './lib/kill-suite.js'

// The short version of the fault trials; `npm run test:stress` runs 200 of each (test/stress/faults-kill.stress.ts).
defineKillSuite(Number(process.env.DSYNTH_KILL_TRIALS ?? 20))
