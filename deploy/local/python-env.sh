#!/usr/bin/env bash
# Creates the project's virtual environment and installs ticket-router with its dev tools
# and the ONNX Runtime triage encoders.
#
# Wheels (torch alone is several GB) are kept in a wheelhouse outside the clone,
# ${XDG_CACHE_HOME:-$HOME/.cache}/ticket-router/wheels, so later runs and CI install offline
# from it; when it lacks something, the missing wheels are downloaded from PyPI into it once.
set -euo pipefail

usage() {
  cat <<'TXT'
usage: deploy/local/python-env.sh [VENV]

Create VENV (default .venv) with python3 and install ticket-router[dev,onnx] into it, editable.
Environment: PYTHON (interpreter, default python3), TICKET_ROUTER_WHEELHOUSE (wheel cache).
TXT
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${1:-.venv}"
python="${PYTHON:-python3}"
wheels="${TICKET_ROUTER_WHEELHOUSE:-${XDG_CACHE_HOME:-$HOME/.cache}/ticket-router/wheels}"

command -v "$python" >/dev/null || { echo "error: $python not found; install Python 3.11+" >&2; exit 1; }
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "error: ticket-router needs Python >= 3.11 ($python is older)" >&2; exit 1; }

cd "$root"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
mkdir -p "$wheels"

if "${pip[@]}" install --quiet --no-index --find-links "$wheels" -e '.[dev,onnx]' 2>/dev/null; then
  echo "==> installed from the wheelhouse $wheels"
  exit 0
fi
echo "==> filling the wheelhouse $wheels from PyPI (first run only; torch is large)"
"${pip[@]}" download --quiet --progress-bar off -d "$wheels" setuptools wheel pip
"${pip[@]}" download --quiet --progress-bar off -d "$wheels" '.[dev,onnx]'
"${pip[@]}" install --quiet --no-index --find-links "$wheels" -e '.[dev,onnx]'
echo "==> installed"
