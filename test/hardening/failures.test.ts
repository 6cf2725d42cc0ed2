import {defineFailureSuite} from './lib/failure-suite.js'

// The short version; `npm run test:stress` fails mount calls 1..4 and the lines of every slot, and umount calls 1..3,
// both ways, 5 times each.
defineFailureSuite({
  mountCall: [[1, 'fail'], [3, 'fail'], [1, 'half']],
  mountSlot: [[2, 'fail'], [3, 'half']],
  umount: [[1, 'fail'], [2, 'half']],
})
