#!/usr/bin/env bash
# The real-VS-Code test: installs its tools (setup.sh), then runs run.mjs with node 24 against
# the platform VSIX (default: target/dist/promptcost-linux-x64-VERSION.vsix from scripts/package.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
vsix="${1:-$root/target/dist/promptcost-linux-x64-$version.vsix}"
[ -f "$vsix" ] || { echo "vscode_web: $vsix not found (run scripts/package.sh first)" >&2; exit 1; }
bash "$here/setup.sh"
exec "$here/node_modules/.bin/node" "$here/run.mjs" "$vsix"
