#!/usr/bin/env python3
# rmpsim's progress line (docs/cli.md "Progress"): on a terminal (stderr a pty)
# a run longer than a second shows a bar with runs done, simulated time and an
# ETA, redrawn at most 4 times a second and erased before the table; nothing
# when stderr is a pipe, with --quiet, or for a run shorter than a second; the
# JSON report is the same whichever.
# Usage: test_progress.py PATH/TO/rmpsim
import os
import pty
import re
import subprocess
import sys
import tempfile
import time

exe = sys.argv[1]
fails = 0


def check(what, ok):
    global fails
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        fails += 1


def on_pty(args, env=None):
    """Run with stdin/stdout/stderr on a pty; returns (exit code, bytes, seconds)."""
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(exe, [exe] + args, dict(os.environ, **(env or {})))
    out = b""
    while True:
        try:
            d = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not d:
            break
        out += d
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out, time.monotonic() - t0


bar = re.compile(rb"\r\[[#>.]{24}\] (\d+)/(\d+) runs  (\S+ \S+)  sim (\d+\.\d{3}) s  ETA (--|\d+:\d\d)\x1b\[K")

with tempfile.TemporaryDirectory() as tmp:
    # Three runs of the default machine, every IPI step by step (--trace-detail): a
    # run whose length does not shrink as round memos get faster; at 0.67 s in a
    # release build the three runs once took 0.13 s, too short for two draws in one
    # run at 20 a second with --jobs 2.
    long_run = ["--scenario", "full", "--trace-detail"]
    # A fast machine finishes before the one-second delay: draw at once, at the
    # highest rate allowed, so that a run is drawn many times however fast it goes.
    hz = 1000
    # --jobs 1: the runs here; --jobs 2: in workers, the line follows the next run to finish
    for jobs in ("1", "2"):
        code, out, secs = on_pty(long_run + ["--jobs", jobs, "--json", tmp + "/tty.json"],
                                 {"RMPSIM_PROGRESS_DELAY_MS": "0", "RMPSIM_PROGRESS_HZ": str(hz)})
        draws = bar.findall(out)
        j = " (--jobs %s)" % jobs
        check("terminal: exit 0" + j, code == 0)
        check("terminal: the bar is drawn" + j, len(draws) > 0)
        check("terminal: runs counted out of 3" + j, all(d[1] == b"3" for d in draws)
              and any(d[0] != b"0" for d in draws))
        check("terminal: simulated time grows within a run" + j,
              any(float(b[3]) > float(a[3]) for a, b in zip(draws, draws[1:]) if a[0] == b[0]))
        check("terminal: an ETA once a run is done" + j, any(d[4] != b"--" for d in draws if d[0] != b"0"))
        # at most hz a second, plus one per run end (each redraw is rate-limited)
        check("terminal: at most %d redraws a second (%d in %.1f s)%s" % (hz, len(draws), secs, j),
              len(draws) <= hz * secs + 4)
        table = out.find(b"pass = leader")
        check("terminal: the line is erased before the table" + j,
              table > 0 and out.rfind(b"\r\x1b[K", 0, table) > out.rfind(b"runs  ", 0, table))

    code, qout, _ = on_pty(["--scenario", "full", "--backing", "1G", "--quiet"])
    check("--quiet on a terminal: exit 0 and no bar", code == 0 and b"runs  " not in qout)

    p = subprocess.run([exe] + long_run + ["--json", tmp + "/pipe.json"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    check("piped: exit 0", p.returncode == 0)
    # ASan's one-line note on swapcontext is the only thing allowed there
    noise = re.compile(rb"^==\d+==WARNING: ASan doesn't fully support makecontext.*\n?", re.M)
    check("piped: nothing on stderr", noise.sub(b"", p.stderr) == b"")
    with open(tmp + "/tty.json", "rb") as a, open(tmp + "/pipe.json", "rb") as b:
        check("the JSON report is the same on a terminal and piped", a.read() == b.read())

    code, sout, secs = on_pty(["--scenario", "worst", "--machine", "pack:1 numa:1 core:1 pu:1"])
    if secs < 0.9:  # a loaded machine can make it longer; then it may show
        check("short run (%.2f s): no bar" % secs, code == 0 and b"runs  " not in sout)

print("# %d failed" % fails)
sys.exit(1 if fails else 0)
