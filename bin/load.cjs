// Loads the bundle dist/src/cli.js with V8's code cache (dist/src/cli.js.cache): the compiled code is read back
// instead of being parsed and compiled again on every start. The module is registered in require's cache, so
// oclif's own `require` of its command target gets this same instance.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const vm = require('node:vm')
const Module = require('node:module')

const file = path.join(__dirname, '..', 'dist', 'src', 'cli.js')
const cacheFile = `${file}.cache`

/** Evaluates the bundle; `fresh` is true when there was no usable code cache (a new one is worth writing). */
function load() {
  let source
  try {
    source = fs.readFileSync(file, 'utf8')
  } catch {
    throw new Error(`${file} is missing: run \`npm run build\` (npm ci does it)`)
  }
  let cachedData
  try { cachedData = fs.readFileSync(cacheFile) } catch { cachedData = undefined }
  // Module.wrap's wrapper plus __dsynthImport, which the bundle calls for import() (see scripts/bundle.js)
  const wrapped = `(function (exports, require, module, __filename, __dirname, __dsynthImport) { ${source}\n})`
  const script = new vm.Script(wrapped, {filename: file, cachedData})
  const m = new Module(file, module)
  m.filename = file
  m.paths = Module._nodeModulePaths(path.dirname(file))
  Module._cache[file] = m
  script.runInThisContext({displayErrors: true})
    .call(m.exports, m.exports, Module.createRequire(file), m, file, path.dirname(file), (specifier) => import(specifier))
  m.loaded = true
  return {cli: m.exports, script, fresh: cachedData === undefined || script.cachedDataRejected === true}
}

/** Writes the code cache (after a run, so that it holds the functions that ran); atomic, and best effort. */
function saveCache(script) {
  const tmp = `${cacheFile}.${process.pid}.tmp`
  try {
    fs.writeFileSync(tmp, script.createCachedData())
    fs.renameSync(tmp, cacheFile)
  } catch {
    try { fs.unlinkSync(tmp) } catch { /* nothing written */ }
  }
}

module.exports = {load, saveCache}
