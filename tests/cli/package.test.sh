#!/usr/bin/env bash
# The .deb end to end (issue 17): tools/package.sh builds it from the binaries already in
# BUILD_DIR (no rebuild), `dpkg-deb -x` unpacks it into a temporary root, and from there:
# --version, a man page renders, bash completes `fwprov fl<TAB>` to flash, and `fwprov flash`
# against the packaged fwprov-sim uploads the packaged stub with no --stub, no node_modules and
# no Python esptool in reach. Skipped (exit 77, a SKIP line) only where dpkg-deb is missing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_sim_lib.sh"
: "${SOURCE_DIR:?SOURCE_DIR must point at the source tree}"
if ! command -v dpkg-deb >/dev/null; then
  echo "SKIP: dpkg-deb is not installed; the .deb cannot be built or unpacked here"
  exit 77
fi

# --- build and unpack
if ! deb=$(bash "$SOURCE_DIR/tools/package.sh" --no-build "$BUILD_DIR" "$WORK/pkg" 2>"$WORK/package.err"); then
  sed 's/^/  package.sh: /' "$WORK/package.err" >&2
  fail "tools/package.sh failed"; finish; exit 1
fi
pass
root="$WORK/root"
dpkg-deb -x "$deb" "$root" && pass || fail "dpkg-deb -x $deb"
fwprov="$root/usr/bin/fwprov"

# --- control fields: libc6 only for the static build, version = project version + commit
depends=$(dpkg-deb -f "$deb" Depends)
if grep -q '^FWPROV_STATIC_DEPS:BOOL=ON' "$BUILD_DIR/CMakeCache.txt"; then
  if [[ $depends =~ ^libc6\ \(\>=\ [0-9.]+\)$ ]]; then pass; else fail "static build: Depends is '$depends', expected libc6 only"; fi
fi
version=$(dpkg-deb -f "$deb" Version)
project_version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD_DIR/CMakeCache.txt")
built=$("$root/usr/bin/fwprov" --version | sed -n 's/^commit: *//p')
commit=${built%-dirty}
if [ "$commit" != unknown ]; then
  [[ $commit =~ ^[0-9a-f]{12}$ ]] && pass || fail "--version commit '$built' is not 12 hex digits (-dirty)"
  git -C "$SOURCE_DIR" cat-file -e "$commit^{commit}" 2>/dev/null && pass || fail "--version commit $commit is not a commit of $SOURCE_DIR"
  want="$project_version+git$(git -C "$SOURCE_DIR" rev-list --count "$commit").$commit"
  [ "$built" = "$commit" ] || want="$want.dirty"
  [ "$version" = "$want" ] && pass || fail "Version '$version', expected $want (project version + the binary's commit)"
fi
zcat "$root/usr/share/doc/fwprov/changelog.gz" >"$WORK/changelog"
expect_grep "^fwprov \\($(printf '%s' "$version" | sed 's/[.+]/\\&/g')\\) " "$WORK/changelog" "Debian changelog entry for the package version"
expect_grep "^Files: usr/share/fwprov/stubs/" "$root/usr/share/doc/fwprov/copyright" "copyright names the stubs' license"

# --- the installed tree
for path in usr/bin/fwprov usr/bin/fwprov-sim usr/share/man/man1/fwprov.1.gz usr/share/man/man1/fwprov-flash.1.gz \
  usr/share/bash-completion/completions/fwprov usr/share/zsh/vendor-completions/_fwprov \
  usr/share/fwprov/stubs/LICENSE usr/share/fwprov/stubs/README usr/share/doc/fwprov/README.md usr/share/doc/fwprov/flash.md; do
  [ -f "$root/$path" ] && pass || fail "package lacks /$path"
done
# Every stub esptool-js ships, unchanged (fetch-stubs.sh checked the tarball's integrity).
stub_count=$(find "$root/usr/share/fwprov/stubs" -name '*.json' | wc -l)
[ "$stub_count" -eq "$(find "$BUILD_DIR/stubs" -name '*.json' | wc -l)" ] && [ "$stub_count" -ge 10 ] && pass ||
  fail "package holds $stub_count stubs, $BUILD_DIR/stubs has $(find "$BUILD_DIR/stubs" -name '*.json' | wc -l)"
for stub in "$BUILD_DIR"/stubs/*.json; do
  cmp -s "$stub" "$root/usr/share/fwprov/stubs/$(basename "$stub")" || fail "packaged $(basename "$stub") differs"
done

# --- fwprov --version from the unpacked root
expect_exit 0 "--version" -- "$fwprov" --version
expect_grep "^fwprov $project_version$" "$WORK/out" "--version names the version"
expect_grep "^commit: +([0-9a-f]{12}(-dirty)?|unknown)$" "$WORK/out" "--version names the commit"
expect_grep "^OpenSSL: +OpenSSL 3\\." "$WORK/out" "--version names OpenSSL"
expect_grep "^zlib: +[0-9]+\\.[0-9]+" "$WORK/out" "--version names zlib"
expect_grep "^libserialport: +[0-9]+\\.[0-9]+" "$WORK/out" "--version names libserialport"
expect_grep "^build type: +[A-Za-z]+" "$WORK/out" "--version names the build type"

# --- man -l renders, without groff warnings
for page in fwprov fwprov-flash; do
  MANWIDTH=100 MANPAGER=cat PAGER=cat man --warnings -l "$root/usr/share/man/man1/$page.1.gz" >"$WORK/man.txt" 2>"$WORK/man.err"
  expect_grep "^NAME" "$WORK/man.txt" "man -l $page renders"
  [ -s "$WORK/man.err" ] && { fail "man -l $page: groff warnings"; sed 's/^/  /' "$WORK/man.err" | head -5 >&2; } || pass
done
expect_grep "^ +fwprov-flash - " "$WORK/man.txt" "fwprov-flash(1) NAME line"
expect_grep "^ +-p, --port" "$WORK/man.txt" "fwprov-flash(1) documents --port"

# --- bash completion: fwprov fl<TAB> -> flash, and deeper levels
complete_words() {  # complete_words WORD... : what the completion offers for the last word
  bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _fwprov fwprov "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$root/usr/share/bash-completion/completions/fwprov" "$@"
}
[ "$(complete_words fwprov fl)" = "flash" ] && pass || fail "bash: fwprov fl<TAB> gave '$(complete_words fwprov fl)', expected flash"
[ "$(complete_words fwprov flash i)" = "id" ] && pass || fail "bash: fwprov flash i<TAB> gave '$(complete_words fwprov flash i)', expected id"
[ "$(complete_words fwprov flash write_flash --flash_m)" = "--flash_mode" ] && pass || fail "bash: an alias's options: '$(complete_words fwprov flash write_flash --flash_m)'"
[ "$(complete_words fwprov --json flash --port-)" = "--port-filter" ] && pass || fail "bash: fwprov --json flash --port-<TAB> gave '$(complete_words fwprov --json flash --port-)'"
[ "$(complete_words fwprov flash -p fl)" = "" ] && pass || fail "bash: the value of -p completes as a file, not a command"
if command -v zsh >/dev/null; then
  zsh -n "$root/usr/share/zsh/vendor-completions/_fwprov" && pass || fail "zsh: _fwprov does not parse"
  zsh_offers() { zsh -f "$SOURCE_DIR/tests/cli/zsh_complete.zsh" "$root/usr/share/zsh/vendor-completions/_fwprov" "$@"; }
  [ "$(zsh_offers fwprov fl)" = "flash" ] && pass || fail "zsh: fwprov fl<TAB> gave '$(zsh_offers fwprov fl)'"
  [ "$(zsh_offers fwprov --json flash --port-)" = "--port-filter" ] && pass || fail "zsh: fwprov --json flash --port-<TAB> gave '$(zsh_offers fwprov --json flash --port-)'"
  [ "$(zsh_offers fwprov flash -p fl)" = "<files>" ] && pass || fail "zsh: the value of -p completes as a file"
else
  echo "note: zsh is not installed; the zsh completion is checked as text only (cli_docs test)"
fi

# --- fwprov flash with the packaged stub, from a folder with no node_modules above it
FWPROV_SIM="$root/usr/bin/fwprov-sim"
start_sim dev
mkdir -p "$WORK/empty" "$WORK/home"
head -c 70000 /dev/urandom >"$WORK/app.bin"
run_installed() {  # only the unpacked root and the system's basic tools on PATH
  (cd "$WORK/empty" && env -i PATH="$root/usr/bin:/usr/bin:/bin" HOME="$WORK/home" "$@")
}
expect_exit 0 "installed fwprov flash write (no --stub)" -- run_installed fwprov flash -p "socket://127.0.0.1:$SIM_PORT" write 0x10000 "$WORK/app.bin"
expect_grep "Stub running \\(from $root/usr/share/fwprov/stubs/esp32\\.json\\)" "$WORK/err" "the package's own stub was uploaded"
expect_log "$WORK/dev.log" stub FLASH_DEFL_DATA "the simulator ran the stub's compressed write"
expect_log "$WORK/dev.log" rom MEM_END "the simulator received the stub upload"
expect_flash_equals "$WORK/dev.flash" $((0x10000)) "$WORK/app.bin" "installed fwprov flash write"
stop_sim "$SIM_PID"

# Relocated: the tree moved elsewhere still finds its stubs; FWPROV_STUB_DIR is consulted next.
mv "$root" "$WORK/moved"
root="$WORK/moved"
FWPROV_SIM="$root/usr/bin/fwprov-sim"
start_sim moved
expect_exit 0 "relocated fwprov flash id" -- run_installed fwprov flash -p "socket://127.0.0.1:$SIM_PORT" id
expect_grep "Stub running \\(from $root/usr/share/fwprov/stubs/esp32\\.json\\)" "$WORK/err" "relocated tree uses its own stub"
stop_sim "$SIM_PID"
mv "$root/usr/share/fwprov/stubs" "$WORK/elsewhere-stubs"
start_sim env
expect_exit 0 "FWPROV_STUB_DIR" -- run_installed FWPROV_STUB_DIR="$WORK/elsewhere-stubs" fwprov flash -p "socket://127.0.0.1:$SIM_PORT" id
expect_grep "Stub running \\(from $WORK/elsewhere-stubs/esp32\\.json\\)" "$WORK/err" "FWPROV_STUB_DIR after the package's folder"
stop_sim "$SIM_PID"

# --- lintian: no errors; every remaining tag explained in docs/install.md
if [ -f "$WORK/pkg/lintian.txt" ]; then
  while read -r level _ tag _; do
    case $level in
      E:) fail "lintian error: $tag" ;;
      W: | I: | P:)
        grep -q "\`$tag\`" "$SOURCE_DIR/docs/install.md" && pass || fail "lintian $level $tag is not explained in docs/install.md" ;;
    esac
  done <"$WORK/pkg/lintian.txt"
else
  echo "note: lintian is not installed; its check is left out"
fi
finish
