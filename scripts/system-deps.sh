#!/usr/bin/env bash
# What Masar needs from the system: WeasyPrint needs Pango (and HarfBuzz's subsetter for small
# PDFs); translations need gettext; the browser tests (tests/e2e and the CSP check in
# tests/security) drive Debian's chromium through Playwright.
#
#   scripts/system-deps.sh                 `make system-deps` (`make run`): install what is missing
#   scripts/system-deps.sh test            `make test-deps`: the same, with the browser
#   scripts/system-deps.sh --check [test]  `make test`, `make test-fast`: install nothing, say what is
#                                          missing and how to install it
# Installing needs root and apt-get (Debian/Ubuntu); otherwise it says exactly what is missing.
set -u
check=false
if [ "${1:-}" = "--check" ]; then
  check=true
  shift
fi
browser=false
[ "${1:-}" = "test" ] && browser=true

missing_packages() {
  missing=()
  have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
  have_lib "libpango-1.0.so" || missing+=(libpango-1.0-0)
  have_lib "libpangoft2-1.0.so" || missing+=(libpangoft2-1.0-0)
  have_lib "libharfbuzz-subset.so" || missing+=(libharfbuzz-subset0)
  command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
  if $browser; then
    command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
  fi
}

# What each package is for, and whether Masar can go on without it.
explain() {
  case "$1" in
    libharfbuzz-subset0) echo "  $1: without it certificate PDFs are larger and slower to make" ;;
    chromium) echo "  $1: without it the browser tests (tests/e2e, tests/security/test_csp_browser.py) skip" ;;
    gettext) echo "  $1: needed to compile the translations (msgfmt)" ;;
    *) echo "  $1: needed by WeasyPrint to make certificate PDFs" ;;
  esac
}

required() {
  for pkg in "$@"; do
    case "$pkg" in
      libharfbuzz-subset0) ;;
      chromium) $check || return 0 ;;  # asked for with `make test-deps`: not having it is a failure
      *) return 0 ;;
    esac
  done
  return 1
}

missing_packages
[ ${#missing[@]} -eq 0 ] && exit 0

if ! $check && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  missing_packages
  [ ${#missing[@]} -eq 0 ] && exit 0
fi

{
  echo "Missing system packages (Debian/Ubuntu names): ${missing[*]}"
  for pkg in "${missing[@]}"; do explain "$pkg"; done
  if $browser; then
    echo "Install them with \`make test-deps\` as root (it runs apt-get), or: sudo apt-get install ${missing[*]}"
  else
    echo "Install them with \`make system-deps\` as root (it runs apt-get), or: sudo apt-get install ${missing[*]}"
  fi
} >&2
required "${missing[@]}" && exit 1
exit 0
