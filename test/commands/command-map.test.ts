import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {COMMANDS as BUNDLE} from '../../src/cli-bundle.js'
import {COMMANDS as SOURCES} from '../../src/cli.js'

describe('command maps: the bundle (lazy) and the sources (bin/dev.mjs, manifest) name the same commands', () => {
  it('same ids, each pointing at commands/<id>.ts', () => {
    expect(Object.keys(BUNDLE).sort()).to.deep.equal(Object.keys(SOURCES).sort())
    const text = readFileSync(new URL('../../src/cli-bundle.ts', import.meta.url), 'utf8')
    for (const id of Object.keys(SOURCES)) {
      const file = id === 'autocomplete' ? 'autocomplete/index' : id.replace(':', '/')
      expect(text, id).to.include(`get ${id.includes(':') || id.includes('-') ? `'${id}'` : id}() { return load(require('../commands/${file}.js')) }`)
    }
  })
})
