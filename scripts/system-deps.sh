#!/usr/bin/env bash
# WeasyPrint needs Pango (and HarfBuzz's subsetter for small PDFs); translations need gettext;
# the browser tests (tests/e2e) drive Debian's chromium through Playwright.
# Installs them where it can (root on Debian/Ubuntu); otherwise says exactly what is missing.
set -u
missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib "libpango-1.0.so" || missing+=(libpango-1.0-0)
have_lib "libpangoft2-1.0.so" || missing+=(libpangoft2-1.0-0)
have_lib "libharfbuzz-subset.so" || missing+=(libharfbuzz-subset0)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# `make test` asks for the browser too (scripts/system-deps.sh test); `make run` does not need it.
if [ "${1:-}" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null && exit 0
fi
echo "Masar needs these system packages (Debian/Ubuntu names): ${missing[*]}" >&2
echo "Install them, e.g.: sudo apt-get install ${missing[*]}" >&2
# Only gettext and Pango are hard requirements; without the HarfBuzz subsetter PDFs are just slower,
# and without chromium the rest of the suite still runs while the browser tests fail, naming it.
for pkg in "${missing[@]}"; do
  case "$pkg" in
    libharfbuzz-subset0) ;;
    chromium) echo "Without chromium the browser tests (tests/e2e) fail." >&2 ;;
    *) exit 1 ;;
  esac
done
exit 0
