import {definePropertySuite} from '../hardening/lib/property-suite.js'

// 10,000 random and mutated inputs per property.
definePropertySuite(Number(process.env.DSYNTH_PROPERTY_RUNS ?? 10_000))
