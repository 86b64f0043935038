#!/usr/bin/env bash
# Sets up everything the product needs on a fresh Debian machine, idempotently:
# Debian packages, Python 3.13 virtualenv at .venv from the lock files, compiled translations.
# Usage: scripts/setup.sh [--dev]   (--dev adds the test and lint tools)
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info)
DEV_PACKAGES=(chromium poppler-utils wrk)

want=("${DEBIAN_PACKAGES[@]}")
if [[ "${1:-}" == "--dev" ]]; then want+=("${DEV_PACKAGES[@]}"); fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> Installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON_VERSION=$(cat .python-version)
PYTHON=""
for candidate in "${PYENV_ROOT:-$HOME/.pyenv}/versions/$PYTHON_VERSION/bin/python3" "$(command -v "python${PYTHON_VERSION%.*}" || true)"; do
  if [[ -n "$candidate" && -x "$candidate" ]]; then PYTHON="$candidate"; break; fi
done
if [[ -z "$PYTHON" ]]; then
  echo "Python $PYTHON_VERSION not found (pyenv install $PYTHON_VERSION)" >&2
  exit 1
fi
if [[ ! -x .venv/bin/python ]] || ! .venv/bin/python -c "import sys; sys.exit(sys.version_info[:2] != (3, 13))"; then
  echo "==> Creating .venv with $PYTHON"
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
if [[ "${1:-}" == "--dev" ]]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
fi
echo "==> Compiling translations"
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv
mkdir -p var
