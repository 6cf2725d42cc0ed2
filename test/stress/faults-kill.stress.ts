import {defineKillSuite} from '../hardening/lib/kill-suite.js'

// SIGINT and SIGKILL at a random moment of apply, destroy and doctor --fix: 200 trials each (DSYNTH_SEED replays a run).
defineKillSuite(Number(process.env.DSYNTH_KILL_TRIALS ?? 200))
