#!/usr/bin/env bash
# Installs headless Chromium (Debian's chromium package) for the browser check of the HTML
# reports: mvn -B -Pbrowser test (ReportsInBrowserTest). Idempotent: does nothing when
# chromium is already on PATH. The test drives Chromium over the DevTools protocol, so no
# chromedriver is needed. Needs root (or sudo) and the Debian archive.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium is installed: $(chromium --version 2>/dev/null || command -v chromium)"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-chromium.sh: run as root (or install sudo)" >&2; exit 1; }
  sudo="sudo"
fi

$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core
echo "installed: $(chromium --version)"
