#!/usr/bin/env node
// The bundle (dist/src/cli.js, every command and oclif) is loaded through V8's code cache: see bin/load.cjs.
import {createRequire} from 'node:module'

const {load, saveCache} = createRequire(import.meta.url)('./load.cjs')
const {cli, script, fresh} = load()
await cli.execute({dir: import.meta.url})
// a new Node.js (or a first run) rejects the cache built with `npm run build`: write one that matches
if (fresh) saveCache(script)
