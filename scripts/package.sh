#!/usr/bin/env bash
# Builds the release packages of promptcost into target/dist/:
#   promptcost-VERSION-TRIPLE.tar.gz (.zip on Windows)   the binary, README, LICENSE
#   promptcost-VSCETARGET-VERSION.vsix                     the VS Code extension with the binary
#                                                          at extension/bin/promptcost[.exe]
#   promptcost_cli-VERSION-*.whl                           the binary wheel (maturin, bindings = "bin",
#                                                          strip = true)
#   SHA256SUMS-TRIPLE                                      checksums of the above
#
#   scripts/package.sh                      # host platform (linux-x64 here)
#   scripts/package.sh --target aarch64-apple-darwin
#   scripts/package.sh --only vsix          # vsix | wheel | archive (repeatable)
#
# The release binary is built once (`cargo build --release`); maturin reuses it (same profile,
# same flags, same target dir, so cargo has nothing to rebuild). Needs: cargo, node + npm
# (the extension's devDependencies hold vsce), maturin (PATH, $MATURIN or .venv/bin/maturin).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

target=""
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target="$2"; shift 2 ;;
    --only) only+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
wants() { [ ${#only[@]} -eq 0 ] || printf '%s\n' "${only[@]}" | grep -qx "$1"; }

host=$(rustc -vV | sed -n 's/^host: //p')
triple=${target:-$host}
case "$triple" in
  x86_64-unknown-linux-gnu|x86_64-unknown-linux-musl) vsce_target=linux-x64 ;;
  aarch64-unknown-linux-gnu|aarch64-unknown-linux-musl) vsce_target=linux-arm64 ;;
  x86_64-apple-darwin) vsce_target=darwin-x64 ;;
  aarch64-apple-darwin) vsce_target=darwin-arm64 ;;
  x86_64-pc-windows-msvc) vsce_target=win32-x64 ;;
  aarch64-pc-windows-msvc) vsce_target=win32-arm64 ;;
  *) echo "package.sh: no VS Code target for '$triple'" >&2; exit 2 ;;
esac
exe=""
case "$triple" in *windows*) exe=".exe" ;; esac

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
ext_version=$(node -p 'require("./editors/vscode/package.json").version')
if [ "$version" != "$ext_version" ]; then
  echo "package.sh: Cargo.toml version $version differs from editors/vscode/package.json $ext_version" >&2
  exit 2
fi

dist="$root/target/dist"
mkdir -p "$dist"
target_args=()
bin_dir="$root/target/release"
if [ -n "$target" ]; then
  target_args=(--target "$target")
  bin_dir="$root/target/$target/release"
fi

echo "==> promptcost $version for $triple: cargo build --release"
cargo build --release --locked --bin promptcost "${target_args[@]}"
built="$bin_dir/promptcost$exe"
[ -x "$built" ] || { echo "package.sh: $built was not built" >&2; exit 1; }
# The shipped copy without symbols (the release profile keeps line tables for profiling).
bin="$root/target/package/$triple/promptcost$exe"
mkdir -p "$(dirname "$bin")"
cp "$built" "$bin"
[ -n "$exe" ] || strip "$bin" 2>/dev/null || echo "package.sh: strip failed; shipping the unstripped binary" >&2
artifacts=()

if wants archive; then
  name="promptcost-$version-$triple"
  stage="$root/target/package/$name"
  rm -rf "$stage" && mkdir -p "$stage"
  cp "$bin" README.md LICENSE "$stage/"
  if [ -n "$exe" ]; then
    py=$(command -v python3 || command -v python)
    (cd "$stage" && "$py" -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED); [z.write(f) for f in sys.argv[2:]]' "$dist/$name.zip" "promptcost$exe" README.md LICENSE)
    artifacts+=("$dist/$name.zip")
  else
    tar -C "$stage" -czf "$dist/$name.tar.gz" "promptcost" README.md LICENSE
    artifacts+=("$dist/$name.tar.gz")
  fi
fi

if wants vsix; then
  echo "==> VS Code extension for $vsce_target"
  ext="$root/editors/vscode"
  [ -d "$ext/node_modules" ] || (cd "$ext" && npm ci --no-audit --no-fund --loglevel=error)
  rm -rf "$ext/bin"
  trap 'rm -rf "$ext/bin"' EXIT
  mkdir -p "$ext/bin"
  install -m 0755 "$bin" "$ext/bin/promptcost$exe"
  vsix="$dist/promptcost-$vsce_target-$version.vsix"
  (cd "$ext" && npx --no-install vsce package --no-dependencies --target "$vsce_target" --out "$vsix")
  rm -rf "$ext/bin"
  artifacts+=("$vsix")
fi

if wants wheel; then
  echo "==> Python wheel (maturin)"
  maturin=${MATURIN:-}
  if [ -z "$maturin" ]; then
    if command -v maturin >/dev/null; then maturin=maturin; else maturin="$root/.venv/bin/maturin"; fi
  fi
  "$maturin" build --release --locked --out "$dist" "${target_args[@]}"
  artifacts+=("$(ls -t "$dist"/promptcost_cli-"$version"-*.whl | head -n 1)")
fi

sha256() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi; }
# Checksums of this platform's packages (kept for those not rebuilt by an --only run).
sums="$dist/SHA256SUMS-$triple"
touch "$sums"
for a in "${artifacts[@]}"; do
  name=$(basename "$a")
  grep -v "  $name\$" "$sums" >"$sums.new" || true
  (cd "$dist" && sha256 "$name") >>"$sums.new"
  mv "$sums.new" "$sums"
done
echo "==> target/dist:"
for a in "${artifacts[@]}"; do echo "  ${a#"$root"/}"; done
