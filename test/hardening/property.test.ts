import {definePropertySuite} from './lib/property-suite.js'

// The short version; `npm run test:stress` runs 10,000 inputs per property (test/stress/property.stress.ts).
definePropertySuite(Number(process.env.DSYNTH_PROPERTY_RUNS ?? 1000))
