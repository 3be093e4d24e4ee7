#!/usr/bin/env bash
# The steps of the promptcost GitHub Action (action.yml), callable (and tested) on their own:
#   scripts/action.sh install   installs promptcost into a venv under $RUNNER_TEMP and puts it
#                                on $GITHUB_PATH (INPUT_INSTALL: pip | none)
#   scripts/action.sh check     runs `promptcost check` with the action's inputs: the chosen
#                                format in the log, SARIF to a file, the Markdown report to
#                                $GITHUB_STEP_SUMMARY; exits with check's code (0 ok, 1 violations,
#                                2 errors)
# Inputs come as INPUT_* environment variables (see action.yml); GitHub's variables
# (GITHUB_EVENT_NAME, GITHUB_BASE_REF, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_PATH,
# RUNNER_TEMP) are optional, so the script also runs outside Actions.
set -euo pipefail

tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
out() { [ -z "${GITHUB_OUTPUT:-}" ] || echo "$1=$2" >>"$GITHUB_OUTPUT"; }
die() { echo "::error title=promptcost::$*"; exit 2; }

install() {
  case "${INPUT_INSTALL:-pip}" in
    none)
      command -v promptcost >/dev/null || die "install: none, but promptcost is not on PATH"
      ;;
    pip)
      # A venv of its own: runner images mark the system Python as externally managed.
      local venv="$tmp/promptcost-venv" python bin spec
      python=$(command -v python3 || command -v python) || die "install: pip needs Python 3 on the runner"
      "$python" -m venv "$venv"
      bin="$venv/bin"
      [ -d "$bin" ] || bin="$venv/Scripts"
      spec="${INPUT_PACKAGE:-promptcost-cli}"
      if [ -n "${INPUT_VERSION:-}" ] && [ "${INPUT_VERSION}" != latest ]; then spec="$spec==${INPUT_VERSION#v}"; fi
      "$bin/python" -m pip install --quiet --disable-pip-version-check "$spec"
      [ -z "${GITHUB_PATH:-}" ] || echo "$bin" >>"$GITHUB_PATH"
      export PATH="$bin:$PATH"
      ;;
    *) die "install: '${INPUT_INSTALL}' is not one of pip, none" ;;
  esac
  promptcost --version
}

check() {
  command -v promptcost >/dev/null || die "promptcost is not on PATH (install step skipped?)"
  local args=() base="${INPUT_BASE:-}"
  if [ -z "$base" ] && [ "${GITHUB_EVENT_NAME:-}" = pull_request ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
    base="origin/$GITHUB_BASE_REF"
    # A shallow checkout (the default) lacks the base branch: fetch its tip, which is all
    # `check --base` reads (file contents at that revision).
    if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
      git fetch --no-tags --depth=1 origin "+refs/heads/$GITHUB_BASE_REF:refs/remotes/origin/$GITHUB_BASE_REF" \
        || die "could not fetch the base branch $GITHUB_BASE_REF"
    fi
  fi
  [ -z "$base" ] || args+=(--base "$base")
  [ -z "${INPUT_MAX_GROWTH:-}" ] || args+=(--max-growth "$INPUT_MAX_GROWTH")
  [ -z "${INPUT_BUDGET:-}" ] || args+=(--budget "$INPUT_BUDGET")
  [ -z "${INPUT_CONFIG:-}" ] || args+=(--config "$INPUT_CONFIG")
  [ -z "${INPUT_SHARD:-}" ] || args+=(--shard "$INPUT_SHARD")
  # The log, SARIF and summary reports are three runs: a cache makes the last two cheap.
  args+=(--cache "${INPUT_CACHE:-${RUNNER_TEMP:-/tmp}/promptcost-cache}")
  local m
  local models="${INPUT_MODELS:-}"
  for m in ${models//,/ }; do args+=(--model "$m"); done
  local paths=()
  read -r -a paths <<<"${INPUT_PATHS:-.}"

  local rc=0
  promptcost check "${paths[@]}" ${args[@]+"${args[@]}"} --format "${INPUT_FORMAT:-github}" || rc=$?
  out exit-code "$rc"
  if [ "$rc" -ge 2 ]; then
    [ -z "${GITHUB_STEP_SUMMARY:-}" ] || printf '**promptcost check failed** (exit code %s): see the job log.\n' "$rc" >>"$GITHUB_STEP_SUMMARY"
    exit "$rc"
  fi
  if [ "${INPUT_SARIF:-true}" = true ]; then
    local sarif="$tmp/promptcost.sarif"
    promptcost check "${paths[@]}" ${args[@]+"${args[@]}"} --format sarif --output "$sarif" || [ $? -eq 1 ]
    out sarif-file "$sarif"
  fi
  if [ "${INPUT_SUMMARY:-true}" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    promptcost check "${paths[@]}" ${args[@]+"${args[@]}"} --format markdown >>"$GITHUB_STEP_SUMMARY" || [ $? -eq 1 ]
  fi
  exit "$rc"
}

case "${1:-}" in
  install) install ;;
  check) check ;;
  *) echo "usage: scripts/action.sh install|check" >&2; exit 2 ;;
esac
