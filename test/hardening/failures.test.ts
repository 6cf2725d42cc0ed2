import {defineFailureSuite} from './lib/failure-suite.js'

// The short version; `npm run test:stress` fails every mount call (1..4) and umount call (1..3), both ways, 5 times each.
defineFailureSuite({mount: [[1, 'fail'], [3, 'fail'], [1, 'half'], [4, 'half']], umount: [[1, 'fail'], [2, 'half']]})
