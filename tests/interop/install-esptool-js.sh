#!/usr/bin/env bash
# Installs the pinned esptool-js (package.json + package-lock.json beside this script) into
# tests/interop/node_modules, once; later runs only check the version. Prints the path of
# the ESP32 stub JSON that esptool-js ships. Exit 1 with a clear message when npm or the
# registry is not reachable: the interop tests must fail then, not pass silently.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dependencies"]["esptool-js"])' "$here/package.json")
stub="$here/node_modules/esptool-js/lib/targets/stub_flasher/esp32.json"

installed() {
  [ -f "$here/node_modules/esptool-js/package.json" ] &&
    [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$here/node_modules/esptool-js/package.json")" = "$want" ] &&
    [ -f "$stub" ]
}

# Several tests may ask at once: one installs while the others wait, and nobody looks at a
# half-installed folder.
exec 9>"${TMPDIR:-/tmp}/fwprov-esptool-js-install.lock"
flock 9
if ! installed; then
  command -v npm >/dev/null || { echo "NEEDS NPM: npm is not installed (tools/install-deps.sh installs it)" >&2; exit 1; }
  echo "installing esptool-js $want from the npm registry into $here/node_modules" >&2
  if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2); then
    echo "NEEDS NPM REGISTRY: could not install esptool-js $want (is the npm registry reachable?)" >&2
    exit 1
  fi
fi
installed || { echo "NEEDS NPM REGISTRY: esptool-js $want is not complete in $here/node_modules" >&2; exit 1; }
echo "$stub"
