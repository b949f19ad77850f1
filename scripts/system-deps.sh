#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing.
# Root: apt-get installs them. Otherwise: a clear message naming what to install.
set -euo pipefail
# command -> Debian package. Native addons (better-sqlite3) compile with node-gyp: g++, make, python3.
# The browser tests drive Debian's Chromium (puppeteer-core cannot download a browser here).
declare -A NEEDED=( [g++]=g++ [make]=make [python3]=python3 [chromium]=chromium [fc-list]=fontconfig )
missing=()
for cmd in "${!NEEDED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEEDED[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-liberation
else
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
