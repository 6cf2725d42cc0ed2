import {defineConcurrencySuite} from './lib/concurrency-suite.js'

// The short version (two rounds); `npm run test:stress` runs 20 rounds (test/stress/concurrency.stress.ts).
defineConcurrencySuite(Number(process.env.DSYNTH_CONCURRENCY_ROUNDS ?? 2))
