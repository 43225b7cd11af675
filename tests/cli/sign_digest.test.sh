#!/usr/bin/env bash
# fwprov sign digest: the 32 bytes espefuse burn-key-digest burned in the efuse goldens, and the
# secure boot v2 chip check for EC keys.
source "$(dirname "$0")/lib.sh"
cases=0
for dir in "$GOLDEN"/sign-digest/*/; do
  name=$(basename "$dir"); chip=${name%%__*}
  pem=$(ls "$dir"/*.pem)
  rm -f "$WORK/d.bin"
  expect_exit 0 "$name" -- "$FWPROV" sign digest --pub-key "$pem" -o "$WORK/d.bin"
  python3 - "$WORK/d.bin" "$dir/efuse_before.bin" "$dir/efuse.bin" <<'PY' && pass || fail "$name: digest not what espefuse burned"
import sys
# espefuse's virtual file is the register window byte-reversed (efuse.md section 6):
# reversed, it is a plain register dump holding the digest as burned.
d, before, after = (open(p, "rb").read() for p in sys.argv[1:])
assert len(d) == 32 and d in after[::-1] and d not in before[::-1]
PY
  cases=$((cases + 1))
  if [[ $pem == *ec_p256* ]]; then
    case $chip in
      esp32|esp32c3|esp32s3)
        expect_exit 5 "$name: --chip $chip refuses EC" -- "$FWPROV" sign digest --pub-key "$pem" --chip "$chip" -o "$WORK/r.bin"
        expect_grep "RSA-3072 only" "$WORK/err" "$name: message"
        expect_absent "$WORK/r.bin" "$name: nothing written" ;;
      *) expect_exit 0 "$name: --chip $chip takes EC" -- "$FWPROV" sign digest --pub-key "$pem" --chip "$chip" -o "$WORK/r.bin"; rm -f "$WORK/r.bin" ;;
    esac
    expect_exit 0 "$name: warning without --chip" -- "$FWPROV" sign digest --pub-key "$pem" -o "$WORK/w.bin"
    expect_grep "warning: .*RSA-3072 only" "$WORK/err" "$name: EC warning"
    rm -f "$WORK/w.bin"
  fi
done
[ "$cases" -ge 12 ] && pass || fail "only $cases digest cases"
# The digest is also what sign --format esp-sbv2 reports, and --chip applies there too.
RSA=$(ls "$GOLDEN"/sign-digest/esp32__03*/*.pem)
expect_exit 0 "--json" -- "$FWPROV" --json sign digest --pub-key "$RSA" -o "$WORK/j.bin"
expect_grep '"kind": "sbv2-public-key-digest"' "$WORK/out" "--json outputs"
head -c 5000 /dev/urandom >"$WORK/app.bin"
"$FWPROV" keygen --type ec-p256 -o "$WORK/ec.pem" >/dev/null 2>&1
expect_exit 5 "sign esp-sbv2 EC for esp32" -- "$FWPROV" sign "$WORK/app.bin" --key "$WORK/ec.pem" --format esp-sbv2 --chip esp32 -o "$WORK/s.bin"
expect_absent "$WORK/s.bin" "no signed image for a key the ROM cannot verify"
expect_exit 0 "sign esp-sbv2 EC without --chip warns" -- "$FWPROV" sign "$WORK/app.bin" --key "$WORK/ec.pem" --format esp-sbv2 -o "$WORK/s.bin"
expect_grep "RSA-3072 only" "$WORK/err" "sign EC warning"
expect_exit 2 "--chip needs esp-sbv2" -- "$FWPROV" sign "$WORK/app.bin" --key "$WORK/ec.pem" --format der --chip esp32 -o "$WORK/s.der"
expect_exit 2 "sign without files" -- "$FWPROV" sign --key "$WORK/ec.pem" --format der
finish
