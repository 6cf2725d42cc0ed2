import {defineFailureSuite} from '../hardening/lib/failure-suite.js'

// Mount calls 1..4 and the lines of each of the 4 slots of an apply fail, and every umount call of a destroy of 3
// (1..3), both ways, 5 times each.
const modes = ['fail', 'half'] as const
const repeat = <T>(list: T[], n: number): T[] => Array.from({length: n}, () => list).flat()
const each = (ns: number[]) => repeat(ns.flatMap((n) => modes.map((m) => [n, m] as const)), 5)
defineFailureSuite({mountCall: each([1, 2, 3, 4]), mountSlot: each([0, 1, 2, 3]), umount: each([1, 2, 3])})
