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
cp -r "$REPO/bin" "$REPO/package.json" "$REPO/scripts" "$DEST/"
ln -s "$REPO/node_modules" "$DEST/node_modules"
cd "$DEST"
"$REPO/node_modules/.bin/tsc" -p tsconfig.json || true   # like `npm run build`: emit even with type errors elsewhere
test -f dist/commands/apply.js
node scripts/manifest.js
node scripts/bundle.js
echo "built $DEST ($(node bin/run.js --version))"
