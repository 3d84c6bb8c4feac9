#!/usr/bin/env bash
# Installs what the tests need beyond Python packages: Java for the Nu HTML
# Checker (Debian's default-jre-headless), Debian's chromium for the browser
# tests and the PDFs, Debian's fonts-noto-cjk and poppler-utils for the PDFs, and
# vnu.jar and axe-core from npm (versions pinned in package-lock.json).
# Safe to run again: it installs only what is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# The PDF edition's Chinese font, and poppler's pdffonts and pdftotext that its tests read it with.
fc-list :lang=zh family 2>/dev/null | grep -q "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v pdffonts >/dev/null 2>&1 || missing+=(poppler-utils)
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
