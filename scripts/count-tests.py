#!/usr/bin/env python3
"""Count test results from meson's JSON test logs and print the closing line.

A cmocka executable counts as the cases it reports ("[  PASSED  ] N test(s).",
"[  FAILED  ] N test(s)..."); any other test (scripts, golden runs) counts as
one. A cmocka executable that died before its summary counts as one failure
per case it never reported, at least one. Exit status: 1 if anything failed
or nothing ran.
"""
import json
import re
import sys

PASSED = re.compile(r"^\[  PASSED  \] (\d+) test", re.M)
FAILED = re.compile(r"^\[  FAILED  \] (\d+) test", re.M)
RUNNING = re.compile(r"^\[==========\] Running (\d+) test", re.M)


def count(path):
    passed = failed = 0
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except FileNotFoundError:
        return 0, 0
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        out = (t.get("stdout") or "") + (t.get("stderr") or "")
        ok = t.get("result") in ("OK", "EXPECTEDFAIL")
        skipped = t.get("result") == "SKIP"
        if skipped:
            continue
        runs = sum(int(n) for n in RUNNING.findall(out))
        if runs:
            p = sum(int(n) for n in PASSED.findall(out))
            f = sum(int(n) for n in FAILED.findall(out))
            if not ok and f == 0:
                f = max(1, runs - p)
            passed += p
            failed += f
        elif ok:
            passed += 1
        else:
            failed += 1
    return passed, failed


def main():
    passed = failed = 0
    for path in sys.argv[1:]:
        p, f = count(path)
        passed += p
        failed += f
    print(f"tests: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
