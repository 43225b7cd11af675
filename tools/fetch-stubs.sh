#!/usr/bin/env bash
# tools/fetch-stubs.sh OUT_DIR: the flasher stubs fwprov installs (share/fwprov/stubs), taken
# from the esptool-js npm package pinned in tests/interop/package-lock.json (the version the
# interop tests run) and checked against the lock's sha512 integrity before anything is used.
# Writes OUT_DIR/<chip>.json (every lib/targets/stub_flasher/*.json), OUT_DIR/LICENSE (the
# package's Apache-2.0 text) and OUT_DIR/README (where they came from). Nothing is vendored in
# the repository. Offline: FWPROV_ESPTOOL_JS_TGZ=esptool-js-X.Y.Z.tgz uses that tarball (the
# same integrity check applies). Exits 1 with one clear line when npm or the registry fails.
set -euo pipefail
out=${1:?usage: tools/fetch-stubs.sh OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
lock="$root/tests/interop/package-lock.json"
read -r version integrity < <(python3 - "$lock" <<'PY'
import json, sys
entry = json.load(open(sys.argv[1]))["packages"]["node_modules/esptool-js"]
print(entry["version"], entry["integrity"])
PY
)
stamp="esptool-js $version $integrity"
if [ -f "$out/.source" ] && [ "$(cat "$out/.source")" = "$stamp" ] && [ -f "$out/esp32.json" ]; then
  exit 0  # already fetched, same pin
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwprov-stubs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ -n "${FWPROV_ESPTOOL_JS_TGZ:-}" ]; then
  cp "$FWPROV_ESPTOOL_JS_TGZ" "$tmp/esptool-js.tgz"
else
  command -v npm >/dev/null || { echo "fetch-stubs: npm is not installed (tools/install-deps.sh installs it)" >&2; exit 1; }
  echo "fetch-stubs: downloading esptool-js $version from the npm registry" >&2
  if ! (cd "$tmp" && npm pack "esptool-js@$version" --silent --loglevel=error >"$tmp/name"); then
    echo "fetch-stubs: could not download esptool-js $version (is the npm registry reachable?)" >&2
    exit 1
  fi
  mv "$tmp/$(tail -1 "$tmp/name")" "$tmp/esptool-js.tgz"
fi
actual="sha512-$(openssl dgst -sha512 -binary "$tmp/esptool-js.tgz" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "fetch-stubs: esptool-js $version tarball has integrity $actual, the lock file pins $integrity" >&2
  exit 1
fi
mkdir "$tmp/x"
tar -xzf "$tmp/esptool-js.tgz" -C "$tmp/x" package/LICENSE package/lib/targets/stub_flasher
stubs=("$tmp/x/package/lib/targets/stub_flasher/"*.json)
[ -f "$tmp/x/package/lib/targets/stub_flasher/esp32.json" ] ||
  { echo "fetch-stubs: esptool-js $version has no lib/targets/stub_flasher/esp32.json" >&2; exit 1; }

new="$out.new.$$"
rm -rf "$new"
mkdir -p "$new"
install -m 0644 "${stubs[@]}" "$new/"
install -m 0644 "$tmp/x/package/LICENSE" "$new/LICENSE"
cat >"$new/README" <<TXT
Flasher stubs used by fwprov flash: small programs fwprov uploads to the chip's RAM for fast,
compressed flashing. One JSON file per chip (base64 text and data segments, their load
addresses, the entry point).

Source: the esptool-js npm package, version $version
        (integrity $integrity),
        file lib/targets/stub_flasher/<chip>.json, copied unchanged.
These are builds of esp-flasher-stub (https://github.com/espressif/esp-flasher-stub,
dual-licensed Apache-2.0 OR MIT) as distributed in esptool-js (Apache-2.0,
Copyright (c) 2023 Espressif Systems (Shanghai) Co. Ltd.). LICENSE is the Apache-2.0 text
shipped in that package.
TXT
echo "$stamp" >"$new/.source"
rm -rf "$out"
mv "$new" "$out"
echo "fetch-stubs: ${#stubs[@]} stubs from esptool-js $version in $out" >&2
