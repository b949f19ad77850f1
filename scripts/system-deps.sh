#!/usr/bin/env bash
# Installs the Debian packages a command needs when they are missing, before that command starts.
#   bash scripts/system-deps.sh install   # before npm install/ci: the C++ toolchain better-sqlite3 compiles with
#   bash scripts/system-deps.sh test      # `npm test` (pretest): Chromium, fonts, poppler-utils, Dovecot
#   bash scripts/system-deps.sh start     # `npm start` (prestart): Chromium and fonts (document.render prints PDFs), poppler-utils
# Root with apt-get: installs what is missing. Otherwise: one message naming the packages and the
# command to run, and exit status 1, so that the npm script stops before it starts.
set -euo pipefail
profile=${1:-test}

# Each entry: "<Debian package>:<how to tell it is there>"; a check is a command name, or a path.
build=( "g++:g++" "make:make" "python3:python3" )
# Browser specs drive Debian's Chromium through puppeteer-core (it cannot download a browser here);
# CHROMIUM_PATH points to another build (as in test/helpers/browser.ts). Fonts keep screenshots and PDFs readable.
browser=( "chromium:${CHROMIUM_PATH:-/usr/bin/chromium}" "fontconfig:fc-list" "fonts-liberation:/usr/share/fonts/truetype/liberation" )
# The document module extracts PDF text with pdftotext; PDF specs check pages and seals with pdftoppm and pdfsig.
pdf=( "poppler-utils:pdftotext" )
# The mail specs run a real IMAP server: a rootless Dovecot started by the tests (test/helpers/dovecot.ts).
mail=( "dovecot-imapd:/usr/sbin/dovecot" )

case "$profile" in
  install) wanted=( "${build[@]}" ) ;;
  test)    wanted=( "${build[@]}" "${browser[@]}" "${pdf[@]}" "${mail[@]}" ) ;;
  # The server prints contracts and letters to PDF in Chromium (src/templates/chromium.ts, CHROMIUM_PATH).
  start)   wanted=( "${browser[@]}" "${pdf[@]}" ) ;;
  *) echo "system-deps: unknown profile '$profile' (expected install, test or start)" >&2; exit 2 ;;
esac

present() {
  case "$1" in
    /*) [ -e "$1" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
for entry in "${wanted[@]}"; do
  present "${entry#*:}" || missing+=("${entry%%:*}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps ($profile): installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi

{
  echo "system-deps: 'npm $profile' needs Debian packages that are missing: ${missing[*]}"
  echo "system-deps: install them as root, then run 'npm $profile' again:"
  echo "    sudo apt-get install -y --no-install-recommends ${missing[*]}"
} >&2
exit 1
