#!/usr/bin/env bash
# `fwprov efuse` safety: confirmation, --dry-run, refusals (exit 3, one line, file unchanged),
# --json outputs, the EC-key warning.
source "$(dirname "$0")/lib.sh"
GOLDEN="$(cd "$(dirname "$0")/../golden/efuse" && pwd)"
E="$WORK/efuse.bin"
KEY="$GOLDEN/esp32c3/01_burn_key_flash_encryption/fe_key.bin"

# refused DESCRIPTION -- ARGS...: exit 3, one error line, the file unchanged.
refused() {
  local what=$1; shift 2
  cp "$E" "$WORK/before.bin"
  expect_exit 3 "$what" -- "$FWPROV" efuse "$@"
  [ "$(wc -l <"$WORK/err")" -eq 1 ] && pass || { fail "$what: not one stderr line"; cat "$WORK/err" >&2; }
  expect_same_file "$E" "$WORK/before.bin" "$what: file unchanged"
}

# --- confirmation ---
expect_exit 0 "summary creates a blank file" -- "$FWPROV" efuse --chip esp32c3 --virt "$E" summary
cp "$E" "$WORK/blank.bin"
expect_exit 2 "no --yes without a terminal" -- "$FWPROV" efuse --chip esp32c3 --virt "$E" burn-efuse SECURE_BOOT_EN 1 </dev/null
expect_grep "BURN|--yes" "$WORK/err" "the refusal says how to confirm"
expect_same_file "$E" "$WORK/blank.bin" "unconfirmed: file unchanged"

# On a terminal: typed BURN burns, anything else does not.
on_tty() {  # on_tty INPUT ARGS...: runs fwprov on a pseudo-terminal, typing INPUT
  python3 - "$@" <<'PY'
import os, pty, sys, time
typed, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
time.sleep(0.3)
os.write(fd, (typed + "\n").encode())
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stderr.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
}
on_tty "no" "$FWPROV" efuse --chip esp32c3 --virt "$E" burn-efuse SECURE_BOOT_EN 1 2>"$WORK/tty.txt"
[ $? -eq 2 ] && pass || fail "typed 'no': expected exit 2"
expect_grep "Type 'BURN'" "$WORK/tty.txt" "the terminal is asked for BURN"
expect_same_file "$E" "$WORK/blank.bin" "typed 'no': file unchanged"
on_tty "BURN" "$FWPROV" efuse --chip esp32c3 --virt "$E" burn-efuse SECURE_BOOT_EN 1 2>"$WORK/tty.txt"
[ $? -eq 0 ] && pass || { fail "typed BURN: expected exit 0"; cat "$WORK/tty.txt" >&2; }
if cmp -s "$E" "$WORK/blank.bin"; then fail "typed BURN: nothing burned"; else pass; fi

# --- --dry-run: espefuse's register writes, nothing changed ---
cp "$WORK/blank.bin" "$E"
step="$GOLDEN/esp32c3/01_burn_key_flash_encryption"
expect_exit 0 "dry run" -- "$FWPROV" efuse --chip esp32c3 --virt "$E" --dry-run burn-key BLOCK_KEY0 "$KEY" XTS_AES_128_KEY
if cmp -s "$WORK/out" <(grep -E '^(W|U) ' "$step/register-trace.txt"); then pass; else fail "dry run: writes differ from espefuse's trace"; fi
expect_same_file "$E" "$WORK/blank.bin" "dry run: file unchanged"
expect_exit 0 "dry run --json" -- "$FWPROV" --json efuse --chip esp32c3 --virt "$E" --dry-run burn-key BLOCK_KEY0 "$KEY" XTS_AES_128_KEY
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['ok'] and d['dry_run'] and len(d['register_writes']) > 100" "$WORK/out" && pass || fail "dry run --json document"

# --- a burn with --json lists the written file ---
expect_exit 0 "burn --json" -- "$FWPROV" --json efuse --chip esp32c3 --virt "$E" --yes burn-key BLOCK_KEY0 "$KEY" XTS_AES_128_KEY
python3 - "$WORK/out" "$E" <<'PY' && pass || fail "burn --json: outputs entry"
import hashlib, json, sys
d = json.load(open(sys.argv[1]))
o = d["outputs"][0]
assert d["ok"] and o["path"] == sys.argv[2] and o["size"] == 512 and o["kind"] == "efuse-virtual"
assert o["sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
PY
expect_same_file "$E" "$step/efuse.bin" "burn --json: same file as espefuse"

# --- refusals ---
refused "key block in use" -- --chip esp32c3 --virt "$E" --yes burn-key BLOCK_KEY0 "$KEY" XTS_AES_128_KEY
refused "unknown eFuse" -- --chip esp32c3 --virt "$E" --yes burn-efuse NO_SUCH_FUSE 1
refused "unknown block" -- --chip esp32c3 --virt "$E" --yes burn-key BLOCK_KEY9 "$KEY" XTS_AES_128_KEY
refused "unknown purpose" -- --chip esp32c3 --virt "$E" --yes burn-key BLOCK_KEY1 "$KEY" XTS_AES_512_KEY
head -c 16 "$KEY" >"$WORK/short.bin"
refused "16-byte key" -- --chip esp32c3 --virt "$E" --yes burn-key BLOCK_KEY1 "$WORK/short.bin" XTS_AES_128_KEY
expect_grep "short.bin: incorrect key file size 16" "$WORK/err" "wrong size names the file"
refused "XTS key in KEY_PURPOSE_5" -- --chip esp32c3 --virt "$E" --yes burn-key BLOCK_KEY5 "$KEY" XTS_AES_128_KEY
refused "digest purpose for a key" -- --chip esp32c3 --virt "$E" --yes burn-key BLOCK_KEY1 "$KEY" SECURE_BOOT_DIGEST0
refused "bad MAC" -- --chip esp32c3 --virt "$E" --yes burn-custom-mac 60:55:f9:ab:cd
refused "multicast MAC" -- --chip esp32c3 --virt "$E" --yes burn-custom-mac 61:55:f9:ab:cd:01
refused "bool value 2" -- --chip esp32c3 --virt "$E" --yes burn-efuse DIS_USB_JTAG 2
refused "value too wide" -- --chip esp32c3 --virt "$E" --yes burn-efuse SPI_BOOT_CRYPT_CNT 9
expect_exit 0 "burn SPI_BOOT_CRYPT_CNT" -- "$FWPROV" efuse --chip esp32c3 --virt "$E" --yes burn-efuse SPI_BOOT_CRYPT_CNT 1
refused "burning twice" -- --chip esp32c3 --virt "$E" --yes burn-efuse SPI_BOOT_CRYPT_CNT 1
expect_grep "already holds" "$WORK/err" "burning twice says so"
refused "clearing a bit" -- --chip esp32c3 --virt "$E" --yes burn-efuse SPI_BOOT_CRYPT_CNT 2
refused "read-protect a digest block" -- --chip esp32c3 --virt "$E" --yes read-protect-efuse BLOCK_KEY1
expect_exit 0 "write-protect" -- "$FWPROV" efuse --chip esp32c3 --virt "$E" --yes write-protect-efuse DIS_USB_JTAG
refused "write-protect twice" -- --chip esp32c3 --virt "$E" --yes write-protect-efuse DIS_USB_JTAG
refused "burn a write-protected field" -- --chip esp32c3 --virt "$E" --yes burn-efuse DIS_FORCE_DOWNLOAD 1

# Wrong-sized virtual file: refused, not appended to (espefuse appends).
head -c 100 /dev/zero >"$WORK/odd.bin"
expect_exit 3 "wrong-sized virtual file" -- "$FWPROV" efuse --chip esp32 --virt "$WORK/odd.bin" summary
[ "$(stat -c %s "$WORK/odd.bin")" -eq 100 ] && pass || fail "wrong-sized file changed"

# ESP32: EC key digest is burned as espefuse does, with a warning; the 3/4 scheme takes 24-byte keys.
cp "$GOLDEN/esp32/ec_01_burn_key_digest_ec_p256/efuse_before.bin" "$WORK/e32.bin"
expect_exit 0 "EC digest on ESP32" -- "$FWPROV" efuse --chip esp32 --virt "$WORK/e32.bin" --yes burn-key-digest "$GOLDEN/esp32/ec_01_burn_key_digest_ec_p256/sb_ec_p256_pub.pem"
expect_grep "RSA-3072 only" "$WORK/err" "EC digest warns"
expect_same_file "$WORK/e32.bin" "$GOLDEN/esp32/ec_01_burn_key_digest_ec_p256/efuse.bin" "EC digest burned as espefuse"
cp "$GOLDEN/esp32/04_burn_efuse_abs_done_1/efuse.bin" "$E"
refused "read-protect BLOCK2 under secure boot v2" -- --chip esp32 --virt "$E" --yes read-protect-efuse BLOCK2
expect_exit 2 "unknown chip" -- "$FWPROV" efuse --chip esp32h2 --virt "$E" summary
finish
