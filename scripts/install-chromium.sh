#!/usr/bin/env bash
# Installs headless Chromium (Debian package `chromium`) for the HTML report's browser test,
# unless a Chromium is already on PATH. The test skips itself with a message where no Chromium
# can be found, so this script failing (no apt, no network to the package mirror) is not fatal
# to CI: it reports and exits 0.
set -uo pipefail
for name in chromium chromium-browser google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then
        echo "install-chromium: $name already installed ($(command -v "$name"))"
        exit 0
    fi
done
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-chromium: no apt-get here; the browser test will be skipped" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "install-chromium: not root and no sudo; the browser test will be skipped" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends chromium; then
    echo "install-chromium: installed $(command -v chromium)"
else
    echo "install-chromium: apt-get could not install chromium; the browser test will be skipped" >&2
fi
exit 0
