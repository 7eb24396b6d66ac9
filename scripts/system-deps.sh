#!/usr/bin/env bash
# WeasyPrint needs Pango (and HarfBuzz's subsetter for small PDFs); translations need gettext.
# Installs them where it can (root on Debian/Ubuntu); otherwise says exactly what is missing.
set -u
missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib "libpango-1.0.so" || missing+=(libpango-1.0-0)
have_lib "libpangoft2-1.0.so" || missing+=(libpangoft2-1.0-0)
have_lib "libharfbuzz-subset.so" || missing+=(libharfbuzz-subset0)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null && exit 0
fi
echo "Masar needs these system packages (Debian/Ubuntu names): ${missing[*]}" >&2
echo "Install them, e.g.: sudo apt-get install ${missing[*]}" >&2
# Only gettext and Pango are hard requirements; without the HarfBuzz subsetter PDFs are just slower.
for pkg in "${missing[@]}"; do
  [ "$pkg" = "libharfbuzz-subset0" ] || exit 1
done
exit 0
