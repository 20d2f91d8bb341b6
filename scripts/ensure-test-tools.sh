#!/usr/bin/env bash
# Install what the browser, PostgreSQL and scale-out tests need from Debian, when it is missing:
# chromium, postgresql, and for tests/scaleout/ redis-server (the message queue and shared rate
# limits) and haproxy (the sticky load balancer).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
# pdftoppm draws a PDF attendance receipt as a picture for docs/screenshots/ (tests/browser/test_receipts.py).
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# npm installs axe-core (tests/browser/package-lock.json) for the accessibility checks.
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "Please install: ${missing[*]} (apt-get install ${missing[*]})" >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing ${missing[*]} from Debian…"
$SUDO apt-get update -qq
# policy-rc.d: installing redis-server or haproxy must not start their system services (the
# tests start their own, on free ports); where the file exists already it is left alone.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ] && [ "$(id -u)" -eq 0 ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
