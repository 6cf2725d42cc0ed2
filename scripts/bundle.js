// Bundles src/cli.ts (oclif's execute and every command) into one CommonJS file, dist/src/cli.js, after tsc has
// type-checked (`npm run build`); then scripts/code-cache.cjs writes V8's code cache for it. dist/package.json marks
// dist/ as CommonJS, so oclif's own loader `require`s the bundle (bin/load.cjs has already put it in require's cache).
import {build} from 'esbuild'
import {mkdirSync, writeFileSync} from 'node:fs'

mkdirSync('dist/src', {recursive: true})
writeFileSync('dist/package.json', '{"type": "commonjs"}\n')
const result = await build({
  write: false,
  entryPoints: ['src/cli-bundle.ts'],
  outfile: 'dist/src/cli.js',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'error',
  // loaded only on demand: the live progress bars, shell completion, and the TypeScript loaders oclif looks for in development
  external: ['cli-progress', '@oclif/plugin-autocomplete', 'typescript', 'tsx', 'ts-node'],
})
// Code compiled by vm.Script from a code cache loses its dynamic-import callback on Node 20 (import() then throws
// ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so the bundle's import() expressions call the loader's own import instead
// (bin/load.cjs passes it in as __dsynthImport). Only calls are rewritten: text such as "import()" in a message stays.
let rewritten = 0
const text = result.outputFiles[0].text.replace(/(?<![\w$."'`])import\((?!\))/g, () => { rewritten++; return '__dsynthImport(' })
if (rewritten === 0) throw new Error('bundle: no dynamic import() found to rewrite; has the bundle changed shape?')
// oclif sorts a plugin's commands with String#localeCompare at every start; the first localeCompare in a process
// initialises ICU's collator, ~6-9 ms of every dsynth run. Command ids are ASCII: compare them by code unit.
const SORT_BY_LOCALE = '.sort((a,b)=>a.id.localeCompare(b.id))'
const sorts = text.split(SORT_BY_LOCALE).length - 1
if (sorts !== 1) throw new Error(`bundle: expected oclif's command sort once, found it ${sorts} times; has @oclif/core changed?`)
writeFileSync('dist/src/cli.js', text.replace(SORT_BY_LOCALE, '.sort((a,b)=>a.id<b.id?-1:a.id>b.id?1:0)'))
