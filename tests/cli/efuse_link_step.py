#!/usr/bin/env python3
"""One golden eFuse step run over the link (tests/cli/efuse_link.test.sh), in one process.

Starting python3 costs ~0.15 s; the test used to start it eight times per step (59 steps),
which was most of its run time. Two modes:

  efuse_link_step.py argv STEP_DIR
      prints the step's expected exit code, then its argv (one per line) with the virtual
      eFuse file options removed (the test passes --port instead).
  efuse_link_step.py check STEP_DIR RUN_DIR BASE WANT_EXIT
      compares the simulated chip's fuses (RUN_DIR/sim-efuse.bin) with the chain's efuse.bin;
      prints one line per check, "ok" or "FAIL: why", for the shell to count.

Files are espefuse's virtual eFuse files: registers stored byte-reversed. Only the timing
registers that espefuse "updates" (the trace's `U` lines) differ, by design: over the link the
value is placed with a real read-modify-write, shifted into the mask (ESP32 CLK sel1 = 0xFF
lands in bits 8-15), while espefuse's virtual chip ORs the unshifted value (docs/efuse.md §6).
Those registers are left out of the comparison once a chain has updated them (RUN_DIR/timing
remembers which) and checked against the read-modify-write results instead.
"""
import json
import os
import re
import sys

UPDATE = re.compile(r"^U (0x[0-9a-f]+) \|= \((0x[0-9a-f]+) & (0x[0-9a-f]+)\)", re.M)


def registers(path):
    data = open(path, "rb").read()[::-1]
    return {off: int.from_bytes(data[off:off + 4], "little") for off in range(0, len(data), 4)}


def argv_mode(step_dir):
    args = json.load(open(os.path.join(step_dir, "args.json")))
    out, skip = [], 0
    for a in args["argv"]:
        if skip:
            skip -= 1
            continue
        if a == "--virt":
            continue
        if a == "--path-efuse-file":
            skip = 1
            continue
        out.append(a)
    want = args["exit_code"]
    print(3 if want == 2 else want)  # espefuse's usage exit 2 is fwprov's input error 3
    print("\n".join(out))


def check_mode(step_dir, run_dir, base, want_exit):
    trace = open(os.path.join(step_dir, "register-trace.txt")).read()
    timing_file = os.path.join(run_dir, "timing")
    timing = set(json.load(open(timing_file))) if os.path.exists(timing_file) else set()
    if want_exit == 0:
        timing |= {int(m.group(1), 16) - base for m in UPDATE.finditer(trace)}
        json.dump(sorted(timing), open(timing_file, "w"))
    sim = registers(os.path.join(run_dir, "sim-efuse.bin"))
    golden = registers(os.path.join(step_dir, "efuse.bin"))
    diffs = [f"{off:03x}: sim {sim.get(off, 0):08x} golden {golden.get(off, 0):08x}"
             for off in sorted(set(sim) | set(golden)) if off not in timing and sim.get(off) != golden.get(off)]
    print("ok" if not diffs else "FAIL: the simulated chip's fuses differ from the chain's efuse.bin: " + "; ".join(diffs[:6]))
    if want_exit == 0 and UPDATE.search(trace):
        before = registers(os.path.join(run_dir, "before.bin"))
        want = {}
        for m in UPDATE.finditer(trace):
            off, value, mask = int(m.group(1), 16) - base, int(m.group(2), 16), int(m.group(3), 16)
            old = want.get(off, before.get(off, 0))
            shift = (mask & -mask).bit_length() - 1
            want[off] = (old & ~mask) | ((value << shift) & mask)
        wrong = [f"{off:03x}: sim {sim.get(off, 0):08x} want {v:08x}" for off, v in sorted(want.items()) if sim.get(off) != v]
        print("ok" if not wrong else "FAIL: timing registers are not the read-modify-write results: " + "; ".join(wrong))
    if want_exit != 0:
        same = open(os.path.join(run_dir, "sim-efuse.bin"), "rb").read() == open(os.path.join(run_dir, "before.bin"), "rb").read()
        print("ok" if same else "FAIL: the refused step changed the chip")


if __name__ == "__main__":
    if sys.argv[1] == "argv":
        argv_mode(sys.argv[2])
    else:
        check_mode(sys.argv[2], sys.argv[3], int(sys.argv[4], 16), int(sys.argv[5]))
