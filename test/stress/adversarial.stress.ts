import {defineAdversarialSuite} from '../hardening/lib/adversarial-suite.js'

// As in npm test, but the live stack is 1,000 full layers of 22 mounts (22,000 mounts on one slot).
defineAdversarialSuite({layers: 1000, fullLayers: true})
