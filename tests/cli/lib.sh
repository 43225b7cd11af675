# Sourced by tests/cli/*.test.sh. Provides a scratch folder and assertions; each failure
# prints what was expected and the test exits non-zero at the end.
set -u
: "${FWPROV:?FWPROV must point at the fwprov binary}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fwprov-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILURES=0
PASSES=0

fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { PASSES=$((PASSES + 1)); }

# expect_exit CODE DESCRIPTION -- COMMAND...: runs COMMAND, stdout/stderr to $WORK/out, $WORK/err.
expect_exit() {
  local want=$1 what=$2; shift 3
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    fail "$what: exit $got, expected $want"; sed 's/^/  stderr: /' "$WORK/err" | head -5 >&2
  else pass; fi
}
expect_same_file() {  # expect_same_file ACTUAL EXPECTED DESCRIPTION
  if cmp -s "$1" "$2"; then pass; else fail "$3: $1 differs from $2"; fi
}
expect_absent() { if [ -e "$1" ]; then fail "$2: $1 exists"; else pass; fi; }
expect_grep() {  # expect_grep PATTERN FILE DESCRIPTION
  if grep -qE -- "$1" "$2"; then pass; else fail "$3: /$1/ not in $2"; sed 's/^/  /' "$2" | head -5 >&2; fi
}
# load_golden_args FILE: every key of a golden case's args.json as shell variable A_<key>
# (bools lowercase, lists space-joined, null empty), read back with `arg KEY`.
load_golden_args() {
  eval "$(python3 -c "
import json, shlex, sys
a = json.load(open(sys.argv[1]))
for k, v in a.items():
    v = ' '.join(map(str, v)) if isinstance(v, list) else '' if v is None else str(v).lower() if isinstance(v, bool) else str(v)
    print('A_%s=%s' % (k, shlex.quote(v)))
" "$1")"
}
arg() { local name="A_$1"; echo "${!name:-}"; }
# in_dir DIR COMMAND...: runs COMMAND with DIR as working directory (for expect_exit).
in_dir() { local dir=$1; shift; (cd "$dir" && "$@"); }

finish() {
  echo "$PASSES passed, $FAILURES failed"
  [ "$FAILURES" -eq 0 ]
}
