#!/usr/bin/env -S node --import tsx --disable-warning=ExperimentalWarning
// Runs dsynth from the TypeScript sources, in the development mode of oclif. It is given the project root rather
// than this file, since oclif takes the first package.json above what it is given and this directory has one.
import {execute} from '@oclif/core'
import {fileURLToPath} from 'node:url'

await execute({development: true, dir: fileURLToPath(new URL('..', import.meta.url))})
