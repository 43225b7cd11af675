#!/usr/bin/env bash
# tools/demo.sh: install what is missing, build, then run the factory flow that exists so far
# in a temporary folder, printing each step. Each stage adds a step file in tools/demo-steps/
# (NN-name.sh, run in order, sharing $DEMO and the helper `step`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/install-deps.sh"
echo "== building fwprov"
bash "$root/tools/build.sh" "$root/build" >/dev/null
FWPROV="$root/build/src/cli/fwprov"
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/fwprov-demo.XXXXXX")
export FWPROV DEMO ROOT="$root"
keep=${KEEP_DEMO:-0}
[ "$keep" = 1 ] || trap 'rm -rf "$DEMO"' EXIT
cd "$DEMO"

# step "what it does" command...: prints the step and the command, runs it, shows its output.
step() {
  local what=$1; shift
  printf '\n\033[1m-- %s\033[0m\n$ %s\n' "$what" "$*"
  "$@"
}
export -f step

for script in "$root"/tools/demo-steps/*.sh; do
  # shellcheck source=/dev/null
  source "$script"
done
printf '\n== demo finished; files were in %s%s\n' "$DEMO" "$([ "$keep" = 1 ] && echo ' (kept)' || echo ' (removed; KEEP_DEMO=1 keeps them)')"
