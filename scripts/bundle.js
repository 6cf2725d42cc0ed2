// Bundles dist/ after tsc (`npm run build`): every command and oclif's `execute` become entry points sharing chunks,
// so start-up loads a few files instead of several hundred (see BENCHMARKS.md, "Start-up"). The command files keep
// their paths (dist/commands/*.js), so oclif.manifest.json, generated from the unbundled output, still points at them.
import {build} from 'esbuild'
import {readdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

const dist = path.resolve('dist')
const out = path.resolve('dist.bundle.tmp')
rmSync(out, {recursive: true, force: true})
writeFileSync(path.join(dist, 'oclif-entry.js'), "export {execute} from '@oclif/core/execute'\n")
const commands = readdirSync(path.join(dist, 'commands')).filter((f) => f.endsWith('.js')).map((f) => path.join(dist, 'commands', f))
await build({
  entryPoints: [...commands, path.join(dist, 'oclif-entry.js')],
  outdir: out,
  outbase: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'error',
  // CommonJS inside the bundle (oclif and its dependencies) calls require() for Node's own modules
  banner: {js: "import {createRequire as __dsynthRequire} from 'node:module'; const require = __dsynthRequire(import.meta.url);"},
  // loaded only on demand: the live progress bars, and the TypeScript loaders oclif looks for in development
  external: ['cli-progress', 'typescript', 'tsx', 'ts-node'],
})
rmSync(dist, {recursive: true})
renameSync(out, dist)
