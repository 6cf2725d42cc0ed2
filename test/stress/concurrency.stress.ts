import {defineConcurrencySuite} from '../hardening/lib/concurrency-suite.js'

// 20 rounds of 8 processes at once.
defineConcurrencySuite(Number(process.env.DSYNTH_CONCURRENCY_ROUNDS ?? 20))
