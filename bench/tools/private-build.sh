#!/bin/bash
# Builds a private copy of dsynth (bin, dist, oclif.manifest.json) in DEST, from the sources in SRCROOT (default: this
# checkout), so that benchmarks measure a fixed build while the checkout changes, and two builds can be compared
# side by side:  npx tsx bench/run.ts --cli DEST_A --compare DEST_B
#
#   bench/tools/private-build.sh /tmp/dsynth-build-before [SRCROOT]
#
# DEST must be a directory named dsynth-build-* under /tmp (it is replaced); node_modules is a symlink to this checkout's.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
DEST=${1:?usage: private-build.sh /tmp/dsynth-build-NAME [SRCROOT]}
SRC=${2:-$REPO}
case "$DEST" in /tmp/dsynth-build-*) ;; *) echo "DEST must be /tmp/dsynth-build-*" >&2; exit 2 ;; esac
rm -rf "$DEST"
mkdir -p "$DEST"
cp -r "$SRC/src" "$SRC/commands" "$SRC/tsconfig.json" "$DEST/"
cp -r "$SRC/bin" "$SRC/package.json" "$SRC/scripts" "$DEST/"
ln -s "$REPO/node_modules" "$DEST/node_modules"
cd "$DEST"
if [ -f "$DEST/src/cli.ts" ]; then
  # the bundle (dist/src/cli.js) with its code cache, as `npm run build` makes it
  cp -r "$SRC/test" "$DEST/test" 2>/dev/null || true   # the code cache is warmed on the test fixtures
  node scripts/bundle.js && node scripts/manifest.js && node scripts/code-cache.cjs
  test -f dist/src/cli.js
else
  # an older source tree (ESM chunks under dist/commands)
  "$REPO/node_modules/.bin/tsc" -p tsconfig.json || true
  test -f dist/commands/apply.js
  node scripts/manifest.js
  node scripts/bundle.js
fi
echo "built $DEST ($(node bin/run.js --version))"
