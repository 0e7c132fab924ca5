#!/usr/bin/env bash
# What a user does after `meson install` (issue 11 point 1): build this
# example and a kernel-style policy plugin out of tree with nothing but the
# compiler and pkg-config, against a fresh install into a temporary DESTDIR,
# then run both (the plugin through the installed `rmpsim --policy-plugin`).
# Usage: test-installed.sh MESON BUILD_DIR SOURCE_DIR [CFLAGS...]
# (CC from the environment; CFLAGS: the build's sanitizer flags, if any.)
set -u
meson=$1 build=$2 src=$3
shift 3
cflags=("$@")
read -ra cc <<<"${CC:-cc}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
fail() { echo "not ok - $*"; exit 1; }
# meson test points LD_LIBRARY_PATH at the build tree; a user has no such thing.
unset LD_LIBRARY_PATH

"$meson" install -C "$build" --no-rebuild --quiet --destdir "$root" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "meson install --destdir"; }
pcfile=$(find "$root" -name rmpsim.pc | head -n 1)
[ -n "$pcfile" ] || fail "no rmpsim.pc installed"
[ -f "$(dirname "$pcfile")/rmpsim-kshim.pc" ] || fail "no rmpsim-kshim.pc beside rmpsim.pc"
exe=$(find "$root" -path '*/bin/rmpsim' -type f | head -n 1)
[ -x "$exe" ] || fail "no bin/rmpsim installed"
echo "ok - installed: ${pcfile#"$root"}, ${exe#"$root"}"

# Only the installed files: the .pc files of the install, paths under DESTDIR.
export PKG_CONFIG_PATH=$(dirname "$pcfile") PKG_CONFIG_SYSROOT_DIR=$root
libdir=$(pkg-config --variable=libdir rmpsim) || fail "pkg-config rmpsim"
# (pkgconf already puts PKG_CONFIG_SYSROOT_DIR in front)
flags=$(pkg-config --cflags --libs rmpsim) || fail "pkg-config --cflags --libs rmpsim"
case "$flags" in *"$build"* | *"$src"/include*) fail "pkg-config rmpsim points into the build or source tree: $flags" ;; esac

# The embedding example, as docs/api.md shows it.
mkdir "$tmp/embed"
cp "$src/examples/embed/embed.c" "$tmp/embed/"
# shellcheck disable=SC2086 # pkg-config output is a list of flags
"${cc[@]}" "${cflags[@]}" -std=c11 -Wall -Wextra -Werror -o "$tmp/embed/embed" "$tmp/embed/embed.c" $flags ||
	fail "cc embed.c \$(pkg-config --cflags --libs rmpsim)"
LD_LIBRARY_PATH=$libdir ldd "$tmp/embed/embed" | grep -q "$libdir/librmpsim.so" ||
	{ LD_LIBRARY_PATH=$libdir ldd "$tmp/embed/embed"; fail "embed does not load the installed librmpsim.so"; }
LD_LIBRARY_PATH=$libdir "$tmp/embed/embed" >"$tmp/embed.out" 2>"$tmp/embed.err" ||
	{ cat "$tmp/embed.out" "$tmp/embed.err"; fail "embed exited $?"; }
for want in "hypervisor write to it: #PF, error code 0x80000003" \
	"RMPOPT region 1 (holds the guest page): CF=0" "RMPOPT region 2 (free): CF=1, 512 slots scanned" \
	"rmpsim embed: policy v10"; do
	grep -qF -- "$want" "$tmp/embed.out" || { cat "$tmp/embed.out"; fail "embed output lacks '$want'"; }
done
grep -Eq '^empty +2M +[0-9.]+ [mu]s' "$tmp/embed.out" || { cat "$tmp/embed.out"; fail "embed printed no report row"; }
echo "ok - embed built with pkg-config rmpsim and run against the installed library"

# A plugin built the same way: only the shim's headers, its symbols left for
# the installed rmpsim to resolve.
kflags=$(pkg-config --cflags rmpsim-kshim) || fail "pkg-config --cflags rmpsim-kshim"
# shellcheck disable=SC2086
"${cc[@]}" "${cflags[@]}" -fPIC -shared -Wall -Werror -o "$tmp/every_other.so" \
	"$src/examples/policy-plugin/every_other.c" $kflags ||
	fail "cc every_other.c \$(pkg-config --cflags rmpsim-kshim)"
"$src/examples/policy-plugin/run_cli.sh" "$exe" "$tmp/every_other.so" || fail "installed rmpsim --policy-plugin"
echo "ok - plugin built with pkg-config rmpsim-kshim and run by the installed rmpsim"

# A program of the user's that loads the plugin itself: the static library
# linked whole and its symbols exported (docs/kshim.md), the shim's plain-C API
# from the same include root.
# shellcheck disable=SC2086
"${cc[@]}" "${cflags[@]}" -std=gnu11 -Wall -Werror -o "$tmp/run_plugin" "$src/examples/policy-plugin/run_plugin.c" \
	$kflags -rdynamic -Wl,--whole-archive "$libdir/librmpsim.a" -Wl,--no-whole-archive \
	$(pkg-config --libs jansson inih hwloc capstone) -lpthread -lm -ldl ||
	fail "cc run_plugin.c with the static librmpsim.a whole"
"$tmp/run_plugin" "$tmp/every_other.so" >"$tmp/run_plugin.out" 2>&1 || { cat "$tmp/run_plugin.out"; fail "run_plugin exited $?"; }
tail -n 1 "$tmp/run_plugin.out" | grep -qx ok || { cat "$tmp/run_plugin.out"; fail "run_plugin did not end in ok"; }
echo "ok - the plugin loaded by a program linked with the static librmpsim.a whole"
