#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every #include in src/ respects the layering (issue 11 point 4).

Layers, each using only the ones before it (design.md section 2):
  base -> rmp -> insn -> machine -> sim -> kshim -> host -> workload -> report -> cli
A file of layer L may include
- the public headers (include/rmpsim/*.h),
- any header of its own layer (its folder, found beside the including file),
- the exported headers of a layer below L: those under src/<layer>/include/
  (base's alloc.h, rng.h...; rmp's entry bits; the shim's <linux/...>) and the
  shim's plain-C API under src/kshim/api/.
It may not include a header of a layer above it, nor a private header (one
outside those folders) of another layer. Each offence is printed as
file:line: what and why; the exit status is 1 if there is any.

Usage: check_includes.py SOURCE_ROOT
"""
import os
import re
import sys

LAYERS = ["base", "rmp", "insn", "machine", "sim", "kshim", "host", "workload", "report", "calib", "cli"]
# Folders under src/ that belong to no layer: the library that bundles them all.
NOT_LAYERS = {"librmpsim"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def classify(root, path):
    """(layer, exported) of a project header, or None for a public one."""
    rel = os.path.relpath(path, root).split(os.sep)
    if rel[0] == "include":
        return None
    layer = rel[1]
    exported = len(rel) > 2 and rel[2] in ("include", "api")
    return layer, exported


def resolve(root, including, quote, name):
    """The project header an include names, or None (a system header).

    Tries the file's own folder (quoted includes), then every folder a build
    could put on the include path, the old catch-all src/ included, so that
    a forbidden include is named here rather than only failing to compile.
    """
    candidates = []
    if quote:
        candidates.append(os.path.join(os.path.dirname(including), name))
    candidates.append(os.path.join(root, "include", name))
    for layer in LAYERS:
        candidates.append(os.path.join(root, "src", layer, "include", name))
        candidates.append(os.path.join(root, "src", layer, "api", name))
    candidates.append(os.path.join(root, "src", name))
    for layer in LAYERS:
        candidates.append(os.path.join(root, "src", layer, name))
    for c in candidates:
        if os.path.isfile(c):
            return os.path.normpath(c)
    return None


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    bad = checked = 0
    for dirpath, _, files in sorted(os.walk(os.path.join(root, "src"))):
        for fname in sorted(files):
            if not fname.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, fname)
            layer = os.path.relpath(path, os.path.join(root, "src")).split(os.sep)[0]
            if layer in NOT_LAYERS:
                continue
            if layer not in LAYERS:
                print("%s: folder src/%s is not a known layer (add it to LAYERS)" %
                      (os.path.relpath(path, root), layer))
                bad += 1
                continue
            with open(path, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    checked += 1
                    target = resolve(root, path, m.group(1) == '"', m.group(2))
                    if target is None:
                        continue
                    owner = classify(root, target)
                    if owner is None or owner[0] == layer:
                        continue
                    where = "%s:%d" % (os.path.relpath(path, root), lineno)
                    what = os.path.relpath(target, root)
                    if owner[0] not in LAYERS:
                        continue
                    if LAYERS.index(owner[0]) > LAYERS.index(layer):
                        print("%s: %s includes %s, a header of layer %s above it" %
                              (where, layer, what, owner[0]))
                        bad += 1
                    elif not owner[1]:
                        print("%s: %s includes %s, a private header of layer %s "
                              "(export it under src/%s/include/ or keep it in its layer)" %
                              (where, layer, what, owner[0], owner[0]))
                        bad += 1
    if checked < 100:
        print("check_includes: only %d includes found under %s/src" % (checked, root))
        return 1
    print("%d includes checked, %d offending" % (checked, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
