import {expect} from 'chai'
import {readFileSync} from 'node:fs'

import {MountTableError} from '../../src/errors.js'

/** Text of a file in test/fixtures/mounttables. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/mounttables/${name}`, import.meta.url), 'utf8')
}

/** Runs `fn`, asserts it throws a MountTableError with code MOUNTTABLE_PARSE, and returns that error. */
export function parseErrorOf(fn: () => unknown): MountTableError {
  try {
    fn()
  } catch (error) {
    expect(error).to.be.instanceOf(MountTableError)
    expect((error as MountTableError).code).to.equal('MOUNTTABLE_PARSE')
    return error as MountTableError
  }
  expect.fail('expected a MountTableError')
}
