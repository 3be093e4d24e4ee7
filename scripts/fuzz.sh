#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for SECONDS each (default 60): libFuzzer through cargo fuzz,
# with AddressSanitizer. Inputs that crash are saved under fuzz/artifacts/<target>/; turn each
# into a regression test (a module of tests/it/) before fixing it.
# cargo fuzz needs nightly-only compiler flags: RUSTC_BOOTSTRAP=1 lets the stable toolchain
# accept them (there is no other toolchain on our machines).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-60}
if ! command -v cargo-fuzz >/dev/null; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1
# `extract` starts from the bundled examples, each behind the byte that selects its file kind
# in fuzz_targets/extract.rs (0 Markdown, 1 Prompty, 2 dotprompt, 4 Python, 5 TS, 6 TSX,
# 7 JS, 8 Rust, 9 Go); `document_edits` and `counters` from the hand-made inputs in seeds/.
mkdir -p seeds/extract
find ../examples -type f | while read -r f; do
  case "$f" in
    *.md) k=0 ;; *.prompty) k=1 ;; *.prompt) k=2 ;; *.py) k=4 ;; *.tsx) k=6 ;; *.ts) k=5 ;;
    *.js) k=7 ;; *.rs) k=8 ;; *.go) k=9 ;; *) continue ;;
  esac
  { printf "\\$(printf '%03o' "$k")"; head -c 3000 "$f"; } > "seeds/extract/$(basename "$f")"
done
for t in document_edits extract counters; do
  mkdir -p "corpus/$t"
  printf '\n==> fuzz %s for %ss\n' "$t" "$secs"
  log="$(mktemp)"
  status=0
  cargo fuzz run "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$secs" -max_len=4096 -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(#[0-9]+ +(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|Done)|panicked|assertion|error' "$log" | tail -20 || true
  if [ "$status" -ne 0 ]; then
    tail -40 "$log" >&2
    echo "fuzz: $t failed (exit $status)" >&2
    exit 1
  fi
  if [ -n "$(ls -A "artifacts/$t" 2>/dev/null)" ]; then
    echo "fuzz: $t found a failing input: $(ls "artifacts/$t")" >&2
    exit 1
  fi
done
