#!/usr/bin/env bash
# tools/package.sh [--no-build] [BUILD_DIR [OUT_DIR]]: the fwprov .deb, built with CPack from
# BUILD_DIR's install rules (default build/, the static release configuration), into OUT_DIR
# (default BUILD_DIR/package). Prints the .deb's path on stdout.
# - builds BUILD_DIR first (tools/build.sh) unless --no-build (the package test reuses the
#   binaries already built);
# - fetches the flasher stubs from the pinned esptool-js package (tools/fetch-stubs.sh);
# - version: project version + the git commit the binary was built from, e.g.
#   0.1.0+git321.1a2b3c4d5e6f (the commit count first so later commits sort later; ".dirty"
#   when built with local changes); a Debian changelog entry for it;
# - runs lintian when installed (docs/install.md lists the tags it still reports and why).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
build_dir=$(realpath -m "${1:-$root/build}")
out_dir=$(realpath -m "${2:-$build_dir/package}")

if [ "$build" = 1 ]; then
  bash "$root/tools/install-deps.sh"
  bash "$root/tools/build.sh" "$build_dir"
fi
[ -f "$build_dir/CPackConfig.cmake" ] || { echo "package: $build_dir is not a configured build folder (run tools/build.sh)" >&2; exit 1; }
for file in src/cli/fwprov tools/esp-sim/fwprov-sim packaging/cli-docs/stamp; do
  [ -e "$build_dir/$file" ] || { echo "package: $build_dir/$file is missing; build first (tools/build.sh)" >&2; exit 1; }
done
if grep -q '^FWPROV_SANITIZE:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  echo "package: $build_dir is a sanitizer build; package the release build (build/)" >&2; exit 1
fi

bash "$root/tools/fetch-stubs.sh" "$build_dir/stubs"

project_version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
# The commit the binary was built from (what its --version says), not whatever HEAD is now.
built=$("$build_dir/src/cli/fwprov" --version | sed -n 's/^commit: *//p')
commit=${built%-dirty}
if [ "$commit" != unknown ] && count=$(git -C "$root" rev-list --count "$commit" 2>/dev/null); then
  version="$project_version+git$count.$commit"
  when=$(git -C "$root" log -1 --format=%aD "$commit")
else
  version="$project_version"
  when=$(date -R)
fi
# Built with local changes: say so in the version too.
[ "$built" = "$commit" ] || version="$version.dirty"
maintainer=$(sed -n 's/^FWPROV_DEB_MAINTAINER:STRING=//p' "$build_dir/CMakeCache.txt")

# The Debian changelog (a native package: /usr/share/doc/fwprov/changelog.gz); the project's
# own history is docs/changelog.md beside it.
mkdir -p "$build_dir/packaging/deb"
{
  echo "fwprov ($version) unstable; urgency=medium"
  echo
  echo "  * Package of fwprov commit $built, built by tools/package.sh."
  echo "  * What changed: /usr/share/doc/fwprov/changelog.md."
  echo
  echo " -- $maintainer  $when"
} >"$build_dir/packaging/deb/changelog"
gzip -9nf "$build_dir/packaging/deb/changelog"

mkdir -p "$out_dir"
rm -f "$out_dir"/fwprov_*.deb
(cd "$build_dir" && cpack --config CPackConfig.cmake -G DEB -B "$out_dir" \
  -D CPACK_PACKAGE_VERSION="$version" >"$out_dir/cpack.log" 2>&1) ||
  { cat "$out_dir/cpack.log" >&2; echo "package: cpack failed" >&2; exit 1; }
rm -rf "$out_dir/_CPack_Packages"
# Only the package carries the changelog entry; a later `cmake --install` must not pick it up.
rm -f "$build_dir/packaging/deb/changelog.gz"
deb=$(ls "$out_dir"/fwprov_*.deb)

if command -v lintian >/dev/null; then
  # Informational tags too (-I); the output is kept for the package test.
  lintian -I --tag-display-limit 0 "$deb" >"$out_dir/lintian.txt" 2>&1 || true
  if [ -s "$out_dir/lintian.txt" ]; then
    echo "package: lintian (docs/install.md explains each tag):" >&2
    sed 's/^/  /' "$out_dir/lintian.txt" >&2
  fi
fi
echo "$deb"
