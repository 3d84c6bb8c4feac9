#!/usr/bin/env bash
# Installs what the tests need beyond Python packages: Java for the Nu HTML
# Checker (Debian's default-jre-headless), Debian's chromium for the browser
# tests, and vnu.jar and axe-core from npm (versions pinned in package-lock.json).
# Safe to run again: it installs only what is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "tests/tools/install.sh: installing ${missing[*]} with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f "$here/node_modules/vnu-jar/build/dist/vnu.jar" ] || [ ! -f "$here/node_modules/axe-core/axe.min.js" ] \
   || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  echo "tests/tools/install.sh: installing vnu-jar and axe-core with npm"
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
fi
