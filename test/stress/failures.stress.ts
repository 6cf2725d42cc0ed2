import {defineFailureSuite} from '../hardening/lib/failure-suite.js'

// Every mount call of an apply of 4 slots (1..4) and every umount call of a destroy of 3 (1..3) fails, both ways, 5 times each.
const modes = ['fail', 'half'] as const
const repeat = <T>(list: T[], n: number): T[] => Array.from({length: n}, () => list).flat()
defineFailureSuite({
  mount: repeat([1, 2, 3, 4].flatMap((n) => modes.map((m) => [n, m] as const)), 5),
  umount: repeat([1, 2, 3].flatMap((n) => modes.map((m) => [n, m] as const)), 5),
})
