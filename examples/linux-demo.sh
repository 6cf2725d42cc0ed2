#!/bin/sh
# Prepares the dsynth Linux demo (examples/linux-demo.ini): creates the directories under
# /tmp/dsynth-demo (or $DSYNTH_DEMO, in which case a matching dsynth.ini is written there),
# copies examples/ports to <demo>/ports, checks for bmake and cc, and prints what to run.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
demo=${DSYNTH_DEMO:-/tmp/dsynth-demo}
case $demo in
  /*) ;;
  *) echo "DSYNTH_DEMO must be an absolute path" >&2; exit 1 ;;
esac

for tool in bmake cc tar; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "missing $tool: apt-get install -y bmake gcc tar" >&2
    exit 1
  fi
done

mkdir -p "$demo/packages/All" "$demo/options" "$demo/distfiles" "$demo/build" "$demo/logs"
rm -rf "$demo/ports"
cp -R "$here/ports" "$demo/ports"

if [ "$demo" = /tmp/dsynth-demo ]; then
  ini=$here/linux-demo.ini
else
  ini=$demo/dsynth.ini
  sed "s#/tmp/dsynth-demo#$demo#g" "$here/linux-demo.ini" > "$ini"
fi

cat <<MSG
Demo ready in $demo (ports tree copied from $here/ports).
As root:
  dsynth build --config $ini meta/everything       # plan, apply, then build on 2 slots
  dsynth build --config $ini --dry-run meta/everything
Packages appear in $demo/packages/All, logs in $demo/logs
(00_last_results.log ... 04_skipped_list.log and one <category>___<port>.log per port).
misc/broken fails in its build phase, misc/needs-broken and meta/everything are skipped,
misc/ignored is ignored; a second run builds nothing new.
MSG
