#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The shared librmpsim exports exactly the public API (issue 11 point 1).

Compares the library's dynamic symbols (nm -D --defined-only) with the
functions the public headers declare, as gcc itself lists them (-aux-info over
a file that includes every include/rmpsim/*.h), in both directions:
- exported but not declared: an internal function leaked (name it rmpsim__*,
  make it static, or declare it in a public header);
- declared but not exported: a public function missing from the library
  (stale declaration, or a header not listed in src/librmpsim/meson.build).
Also checks that <rmpsim/rmpsim.h> includes every public header.

Usage: test_exports.py LIBRARY.so INCLUDE_DIR
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

# Symbols every ELF shared object defines (linker and version nodes).
ELF_HOUSEKEEPING = {"_init", "_fini", "_edata", "_end", "__bss_start", "RMPSIM_0"}


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        name = parts[2].split("@")[0]
        # Sanitizer builds add their own instrumentation symbols.
        if name in ELF_HOUSEKEEPING or name.startswith(("__asan", "__ubsan", "__tsan",
                                                        "__odr_asan", "__sancov", "__gcov")):
            continue
        names.add(name)
    return names


def declared(include_dir):
    headers = sorted(glob.glob(os.path.join(include_dir, "rmpsim", "*.h")))
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "all.c")
        aux = os.path.join(tmp, "aux.txt")
        with open(src, "w") as f:
            for h in headers:
                f.write("#include <rmpsim/%s>\n" % os.path.basename(h))
        subprocess.run(["gcc", "-std=c11", "-fsyntax-only", "-aux-info", aux,
                        "-I", include_dir, src], check=True)
        with open(aux) as f:
            lines = f.readlines()
    names = set()
    public_dir = os.path.join(include_dir, "rmpsim") + os.sep
    for line in lines:
        # /* include/rmpsim/sim.h:123:NC */ extern int rmpsim_sim_run (struct rmpsim_sim *);
        m = re.match(r"/\* (.*?):\d+:(\w+) \*/ (.*)", line)
        if not m or not os.path.abspath(m.group(1)).startswith(public_dir):
            continue
        if "C" not in m.group(2) or not m.group(3).startswith("extern "):
            continue  # a definition in the header (static inline)
        fn = re.match(r"extern [^(]*?\b(\w+) \(", m.group(3))
        if not fn:
            sys.exit("test_exports: cannot read the declaration: " + line.strip())
        names.add(fn.group(1))
    return names, headers


def main():
    lib, include_dir = sys.argv[1], os.path.abspath(sys.argv[2])
    exp = exported(lib)
    decl, headers = declared(include_dir)
    status = 0
    if len(decl) < 50:
        print("test_exports: only %d declarations found in %s" % (len(decl), include_dir))
        status = 1
    for name in sorted(exp - decl):
        print("exported by %s but not declared in include/rmpsim/: %s" % (os.path.basename(lib), name))
        status = 1
    for name in sorted(decl - exp):
        print("declared in include/rmpsim/ but not exported by %s: %s" % (os.path.basename(lib), name))
        status = 1
    with open(os.path.join(include_dir, "rmpsim", "rmpsim.h")) as f:
        umbrella = f.read()
    for h in headers:
        base = os.path.basename(h)
        if base != "rmpsim.h" and "#include <rmpsim/%s>" % base not in umbrella:
            print("<rmpsim/rmpsim.h> does not include <rmpsim/%s>" % base)
            status = 1
    print("%d functions exported, %d declared" % (len(exp), len(decl)))
    return status


if __name__ == "__main__":
    sys.exit(main())
