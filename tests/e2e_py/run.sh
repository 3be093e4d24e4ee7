#!/usr/bin/env bash
# Runs the Python end-to-end tests (Neovim + pytest-lsp) against $PROMPTCOST_BIN
# (default: <repo>/target/debug/promptcost), creating the venv on first use.
#   tests/e2e_py/run.sh            # all
#   tests/e2e_py/run.sh -k nvim    # extra args go to pytest
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${E2E_VENV:-/tmp/e2e-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"
cd "$here"
exec "$venv/bin/python" -m pytest "$@"
