#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium (Debian package
# chromium, tests/report/install-chromium.sh) loads the page of a small run,
# renders it, and we check the DOM it built (the four plots and their
# elements), that it logged no console error, and that its screenshot is not
# blank. Without chromium: SKIP (exit 77).
# Usage: test_browser.sh PATH/TO/rmpsim
set -u
exe=$1
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "SKIP: chromium is not installed (tests/report/install-chromium.sh)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # description, condition...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fails=$((fails + 1)); fi
}
"$exe" --scenario full --machine "pack:1 numa:2 core:2 pu:2" --html "$tmp/r.html" --quiet 2>/dev/null
check "the page was written" test -s "$tmp/r.html"
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
	--disable-sync --no-first-run --window-size=1280,2400 --enable-logging=stderr --v=0)
timeout 120 "$browser" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$tmp")" --dump-dom \
	"file://$tmp/r.html" >"$tmp/dom.html" 2>"$tmp/dom.err"
check "the browser rendered the page" test -s "$tmp/dom.html"
# four plots and a busy heatmap per run (full: three runs)
check "seven plots in the DOM" test "$(grep -o '<svg' "$tmp/dom.html" | wc -l)" -eq 7
check "bars, curves and phases in the DOM" grep -q 'class="bar"' "$tmp/dom.html"
check "heatmap cells in the DOM" grep -q 'class="heat"' "$tmp/dom.html"
check "a colour scale of ten shades per heatmap" test "$(grep -o 'class="scale"' "$tmp/dom.html" | wc -l)" -eq 30
check "the heatmaps' tables" test "$(grep -o '<table class="heat"' "$tmp/dom.html" | wc -l)" -eq 3
check "x labels on two lines" test "$(grep -o 'class="xlabel"' "$tmp/dom.html" | wc -l)" -eq 6
check "no console error" test -z "$(grep -Ei 'console.*(error|uncaught)|Uncaught' "$tmp/dom.err")"
timeout 120 "$browser" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$tmp")" --screenshot="$tmp/shot.png" \
	"file://$tmp/r.html" >/dev/null 2>"$tmp/shot.err"
check "a screenshot" test -s "$tmp/shot.png"
# Not blank: the decompressed pixels take many different byte values.
check "the screenshot is not blank" python3 - "$tmp/shot.png" <<'PY'
import sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
i, idat = 8, b''
while i < len(data):
    n = int.from_bytes(data[i:i + 4], 'big')
    if data[i + 4:i + 8] == b'IDAT':
        idat += data[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(idat)
sys.exit(0 if len(set(raw)) >= 16 else 1)
PY
if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
