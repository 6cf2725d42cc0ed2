#!/usr/bin/env node
// CommonJS (bin/package.json says so): an ES module entry costs Node's ESM loader a few milliseconds at every start.
// The bundle (dist/src/cli.js, every command and oclif) is loaded through V8's code cache: see bin/load.cjs.
'use strict'
const path = require('node:path')
const {load, saveCache} = require('./load.cjs')

const {cli, script, fresh} = load()
// the project root (not this file: oclif looks for package.json upward from what it is given, and bin/ has its own)
cli.execute({dir: path.join(__dirname, '..')}).then(() => {
  // a new Node.js (or a first run) rejects the cache built with `npm run build`: write one that matches
  if (fresh) saveCache(script)
})
