#!/usr/bin/env bash
# fwprov-sim on a pseudo-terminal (the serial-port path of fwprov, as esptool would use
# /dev/pts/N): write + verify, and a stub left running (--after no_reset_stub) is found at
# SYNC by the next run instead of being uploaded again.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

stub_json=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSON comes from esptool-js"; finish; exit 1; }
"$FWPROV_SIM" --flash "$WORK/pty.flash" --timing off --pty --log "$WORK/pty.log" >"$WORK/pty.path" 2>"$WORK/pty.err" &
SIM_PIDS+=($!)
for _ in $(seq 1 600); do [ -s "$WORK/pty.path" ] && break; sleep 0.05; done
tty=$(head -1 "$WORK/pty.path")
[ -c "$tty" ] && pass || { fail "no pseudo-terminal from fwprov-sim"; finish; exit 1; }
head -c 30000 /dev/urandom >"$WORK/data.bin"

expect_exit 0 "id over a pty (ROM)" -- timeout 60 "$FWPROV" flash -p "$tty" --no-stub id
expect_exit 0 "write over a pty, stub left running" -- timeout 60 "$FWPROV" flash -p "$tty" --stub "$stub_json" \
  -b 460800 --after no_reset_stub write 0x40000 "$WORK/data.bin"
expect_flash_equals "$WORK/pty.flash" $((0x40000)) "$WORK/data.bin" "pty write"
expect_exit 0 "verify finds the stub already running" -- timeout 60 "$FWPROV" flash -p "$tty" --stub "$stub_json" verify 0x40000 "$WORK/data.bin"
expect_grep "Stub already running" "$WORK/err" "no second stub upload"
[ "$(sim_log_count "$WORK/pty.log" rom MEM_END)" -eq 1 ] && pass || fail "the stub was uploaded more than once"
finish
