#!/usr/bin/env bash
# Run right after `npm ci` / `npm install` (CI does, see .ci/run): proves that the install left no
# telemetry process behind and that the two install scripts the project allows did their work.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd -P)
# @ibm/telemetry-js spawns its collector detached, a moment after the install script returned.
sleep 2
leftovers=$(ps -eo pid=,args= | grep -F "$root/node_modules" | grep -E 'telemetry-js|ibmtelemetry' | grep -v grep || true)
if [ -n "$leftovers" ]; then
  echo "check-install: telemetry processes were left running by the install:" >&2
  echo "$leftovers" >&2
  exit 1
fi
node -e 'const D = require("better-sqlite3"); new D(":memory:").prepare("select 1").get()' \
  || { echo "check-install: better-sqlite3 does not load (its install script compiles it)" >&2; exit 1; }
node_modules/.bin/esbuild --version >/dev/null \
  || { echo "check-install: esbuild's binary does not run (its install script checks it)" >&2; exit 1; }
echo "check-install: no telemetry process, better-sqlite3 and esbuild work"
