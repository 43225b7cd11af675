#!/usr/bin/env bash
# The generated man pages and completions (BUILD_DIR/packaging/cli-docs, made at every build by
# `fwprov help --man/--completion`) agree with --help for every command path: a command or
# option that --help shows and they do not (or the reverse) fails here (cli_docs_check.py).
. "$(dirname "$0")/lib.sh"
docs="$BUILD_DIR/packaging/cli-docs"
[ -f "$docs/stamp" ] || { fail "$docs was not generated (target fwprov_cli_docs)"; finish; exit 1; }
python3 "$(dirname "$0")/cli_docs_check.py" "$FWPROV" "$BUILD_DIR/tools/esp-sim/fwprov-sim" "$docs" >"$WORK/check.txt" 2>&1
status=$?
while IFS= read -r line; do
  case $line in
    PASS:*) pass ;;
    FAIL:*) fail "${line#FAIL: }" ;;
    *) fail "cli_docs_check.py: $line" ;;
  esac
done <"$WORK/check.txt"
[ "$status" -eq 0 ] || fail "cli_docs_check.py exited $status"

# The generator itself: a hidden option, usage errors like any other.
expect_exit 2 "--completion fish is refused" -- "$FWPROV" help --completion fish
expect_grep "expected bash or zsh" "$WORK/err" "--completion names the shells"
# Nothing half-written: --man into a missing folder fails and leaves nothing.
expect_exit 4 "--man into a missing folder" -- "$FWPROV" help --man "$WORK/missing/man1"
expect_absent "$WORK/missing" "--man leaves no folder behind"
expect_exit 0 "--man writes the pages" -- "$FWPROV" help --man "$WORK"
# (the build's folder also holds fwprov-sim.1.gz)
[ "$(ls "$WORK"/*.1 | wc -l)" -eq "$(($(ls "$docs/man1" | wc -l) - 1))" ] && pass || fail "--man wrote $(ls "$WORK"/*.1 | wc -l) pages, the build has $(ls "$docs/man1" | wc -l) with fwprov-sim's"
expect_exit 0 "fwprov-sim --man needs no --flash" -- "$BUILD_DIR/tools/esp-sim/fwprov-sim" --man "$WORK"
[ -s "$WORK/fwprov-sim.1" ] && pass || fail "fwprov-sim --man wrote no fwprov-sim.1"
finish
