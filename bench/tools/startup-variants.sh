#!/bin/bash
# The start-up proposals of BENCHMARKS.md, applied to a private build (bench/tools/private-build.sh), for measuring:
#   BUILD-p1  oclif imported by subpath (bin: @oclif/core/execute; commands: @oclif/core/{command,flags,args})
#   BUILD-p2  p1 + one esbuild bundle with shared chunks (oclif and dsynth in dist/chunk-*.js)
#   BUILD-p3  p2 + `dsynth --version` answered by bin/run.js without loading oclif
# then e.g.  npx tsx bench/run.ts --only noop,startup --cli BUILD --compare BUILD-p2
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: startup-variants.sh /tmp/dsynth-build-NAME}
case "$B" in /tmp/dsynth-build-*) ;; *) echo "BUILD must be /tmp/dsynth-build-*" >&2; exit 2 ;; esac
rm -rf "$B-p1" "$B-p2" "$B-p3"

cp -a "$B" "$B-p1" && cd "$B-p1"
sed -i "s#import { Command, Flags } from '@oclif/core';#import { Command } from '@oclif/core/command';\nimport * as Flags from '@oclif/core/flags';#" dist/src/base-command.js
sed -i "s#import { Args, Flags } from '@oclif/core';#import * as Args from '@oclif/core/args';\nimport * as Flags from '@oclif/core/flags';#; s#import { Flags } from '@oclif/core';#import * as Flags from '@oclif/core/flags';#" dist/commands/*.js
if grep -rn "from '@oclif/core'" dist; then echo "an import of @oclif/core is left (see above)" >&2; exit 1; fi
sed -i "s#import {execute} from '@oclif/core'#import {execute} from '@oclif/core/execute'#" bin/run.js

cp -a "$B-p1" "$B-p2" && cd "$B-p2"
echo "export {execute} from '@oclif/core/execute'" > dist/oclif-entry.js
"$REPO/node_modules/.bin/esbuild" --bundle --splitting --format=esm --platform=node --target=node20 --outdir=dist2 --outbase=dist \
  dist/commands/*.js dist/oclif-entry.js --log-level=error \
  --banner:js="import {createRequire as __cr} from 'node:module'; const require = __cr(import.meta.url);" \
  --external:cli-progress --external:typescript --external:tsx --external:ts-node
rm -rf dist && mv dist2 dist
sed -i "s#import {execute} from '@oclif/core/execute'#import {execute} from '../dist/oclif-entry.js'#" bin/run.js

cp -a "$B-p2" "$B-p3" && cd "$B-p3"
cat > bin/run.js <<'EOS'
#!/usr/bin/env node
// `dsynth --version` without loading oclif: the line oclif prints (config.userAgent)
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const {readFileSync} = await import('node:fs')
  const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${pjson.oclif?.bin ?? pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const {execute} = await import('../dist/oclif-entry.js')
  await execute({dir: import.meta.url})
}
EOS
for v in p1 p2 p3; do echo "$B-$v: $(node "$B-$v/bin/run.js" --version)"; done
