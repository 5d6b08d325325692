#!/usr/bin/env sh
# Install the headless Chromium the view tests drive (Debian's chromium-headless-shell), when it
# is missing. Idempotent; needs root (CI runs as root). Nothing is downloaded by npm: the tests
# use playwright-core with this browser's path.
set -eu
for p in /usr/lib/chromium/chromium-headless-shell /usr/bin/chromium-headless-shell; do
  if [ -x "$p" ]; then
    echo "install-browser: $p is already installed"
    exit 0
  fi
done
if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: run as root (apt-get install chromium-headless-shell)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no apt-get here; install a headless Chromium and set LASERSCAN_CHROMIUM to its path" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium-headless-shell
echo "install-browser: installed $(/usr/bin/chromium-headless-shell --version 2>/dev/null || echo chromium-headless-shell)"
