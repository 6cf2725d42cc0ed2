#!/usr/bin/env node
// dist/oclif-entry.js is oclif's `execute`, bundled with the commands by `npm run build` (scripts/bundle.js)
import {execute} from '../dist/oclif-entry.js'

await execute({dir: import.meta.url})
