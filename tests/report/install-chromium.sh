#!/bin/sh
# Installs the Debian package the browser test uses (tests/report/test_browser.sh);
# without it that test reports SKIP. Run as root on Debian 12.
set -e
apt-get install -y --no-install-recommends chromium
