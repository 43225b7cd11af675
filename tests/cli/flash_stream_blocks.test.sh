#!/usr/bin/env bash
# flash write sends an image's compressed stream while it is still being produced: BEGIN then
# announces an upper bound of blocks (docs/flash.md "Compression"). Whether the stream was
# finished at BEGIN depends on timing, so this checks what holds either way: no session sends
# more DATA blocks than its BEGIN announced, every block but the last is full (16 KiB), the
# sequence numbers run 0..n-1, and the images land and verify.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

stub_json=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSON comes from esptool-js (tests/interop/install-esptool-js.sh)"; finish; exit 1; }
# Compressible but not trivially: text-like lines with random numbers (~3:1 with zlib).
python3 -c "
import random, sys
random.seed(5)
out = bytearray()
while len(out) < (3 << 20):
    out += ('%08x mov r%d, #%d ; %s\n' % (len(out), random.randrange(16), random.randrange(1 << 20), random.choice(['load', 'store', 'jump', 'call']))).encode()
open(sys.argv[1], 'wb').write(out[:(3 << 20) - 2])" "$WORK/big.bin"
head -c 100003 /dev/urandom >"$WORK/odd.bin"

start_sim s
port="socket://127.0.0.1:$SIM_PORT"
expect_exit 0 "write two images" -- "$FWPROV" --json flash -p "$port" --stub "$stub_json" write 0x10000 "$WORK/big.bin" 0x380000 "$WORK/odd.bin"
expect_flash_equals "$WORK/s.flash" $((0x10000)) "$WORK/big.bin" "3 MiB image lands"
expect_flash_equals "$WORK/s.flash" $((0x380000)) "$WORK/odd.bin" "odd-sized image lands"
python3 - "$WORK/out" <<'PY' && pass || fail "both images verified by MD5"
import json, sys
doc = json.load(open(sys.argv[1]))
files = doc["files"] if "files" in doc else doc["ports"][0]["files"]
assert len(files) == 2 and all(f["verified"] for f in files), files
PY
python3 - "$WORK/s.log" <<'PY' && pass || fail "DATA blocks within BEGIN's announcement"
import json, sys
sessions, current = [], None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("op") == "FLASH_DEFL_BEGIN":
        current = {"announced": e["args"][1], "block": e["args"][2], "data": []}
        sessions.append(current)
    elif e.get("op") == "FLASH_DEFL_DATA":
        current["data"].append((e["seq"], e["size"] - 16))
assert len(sessions) == 2, sessions
for s in sessions:
    seqs = [q for q, _ in s["data"]]
    assert seqs == list(range(len(seqs))), seqs
    assert 0 < len(seqs) <= s["announced"], (len(seqs), s["announced"])
    assert all(size == s["block"] for _, size in s["data"][:-1]), s["data"]
    assert 0 < s["data"][-1][1] <= s["block"]
PY
finish
