#!/usr/bin/env bash
# Workspace benchmark (not a timed test): the "Needs attention" view, the grid filtered
# by status, opening a conversation, the Ctrl-K palette, explaining a page of search
# results, scoped searches and the grid's search, on a database filled by `backend
# load` (no Redis). See docs/performance.md.
#
#   scripts/bench-workspace.sh                      100,000 conversations over 30 days
#   CONVERSATIONS=20000 HISTORY=26h scripts/bench-workspace.sh
#   DB=/path/billie.db scripts/bench-workspace.sh   reuse a filled database
#   BASE=630112b DB=... scripts/bench-workspace.sh  also time BASE, back to back
#
# Environment: CONVERSATIONS (100000), HISTORY (720h), DB (a database to reuse; kept),
# BASE (a commit to time on the same database, back to back: its search with this
# tree's BenchmarkSearch, and its workspace queries with this tree's BenchmarkWorkspace).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
add_go_paths
cd "$REPO_ROOT"

work="$(mktemp -d -t billie-bench-workspace.XXXXXX)"
cleanup() {
  rm -rf "$work"
}
trap cleanup EXIT

db="${DB:-}"
if [ -z "$db" ]; then
  db="$work/billie.db"
  log "building the backend"
  go build -o "$work/backend" ./backend
  log "loading ${CONVERSATIONS:-100000} conversations over ${HISTORY:-720h}"
  "$work/backend" load --conversations "${CONVERSATIONS:-100000}" --history "${HISTORY:-720h}" --db "$db" --quiet
fi
export BILLIE_BENCH_DB="$db"

log "building the benchmark"
CGO_ENABLED=0 go test -c -o "$work/supervisor.test" ./backend/store/supervisor/
if [ -n "${BASE:-}" ]; then
  base_tree="$work/base"
  mkdir -p "$base_tree"
  git archive "$BASE" | tar -x -C "$base_tree"
  cp backend/store/supervisor/bench_search_test.go backend/store/supervisor/bench_workspace_test.go \
    "$base_tree/backend/store/supervisor/"
  (cd "$base_tree" && CGO_ENABLED=0 go test -c -o "$work/base.test" ./backend/store/supervisor/)
fi
run() { "$1" -test.run '^$' -test.bench "$2" -test.benchtime 1x -test.timeout 1h | grep -v -E '^(goos|goarch|pkg|cpu|PASS)'; }
# Each build opens the database first (the current one adds its indexes once).
log "this build: search"
run "$work/supervisor.test" '^BenchmarkSearch$'
if [ -n "${BASE:-}" ]; then
  log "$BASE: search"
  run "$work/base.test" '^BenchmarkSearch$'
  log "this build: search again"
  run "$work/supervisor.test" '^BenchmarkSearch$'
fi
log "this build: workspace"
run "$work/supervisor.test" '^BenchmarkWorkspace$'
if [ -n "${BASE:-}" ]; then
  log "$BASE: workspace"
  run "$work/base.test" '^BenchmarkWorkspace$'
  log "this build: workspace again"
  run "$work/supervisor.test" '^BenchmarkWorkspace$'
fi
