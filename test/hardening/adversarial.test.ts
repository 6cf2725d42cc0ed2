import {defineAdversarialSuite} from './lib/adversarial-suite.js'

// The short version stacks 1,000 layers of the slot root; `npm run test:stress` stacks 1,000 full layers (22,000 mounts).
defineAdversarialSuite({layers: 1000, fullLayers: false})
