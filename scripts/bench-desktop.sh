#!/usr/bin/env bash
# Desktop benchmark (not a timed test): fills a Redis stream with simulated
# conversations, then measures the desktop app's Go side against it and prints a table
# (catch-up rate, launch to first grid page, search p50/p95, XADD-to-emit p50/p99 at
# 200 events/s, RSS). See docs/desktop.md.
#
#   scripts/bench-desktop.sh                 100,000 conversations (~3.2M events)
#   CONVERSATIONS=5000 scripts/bench-desktop.sh
#
# Environment: REDIS_URL (redis://127.0.0.1:6379/0; a local throw-away Redis is
# started if none answers), STREAM (bench:desktop), CONVERSATIONS (100000),
# LIVE_SECONDS (30), KEEP=1 keeps the filled stream for the next run (it takes about
# 2 GB of Redis memory at 100,000 conversations), JSON=path writes the figures.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
add_go_paths

redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
stream="${STREAM:-bench:desktop}"
conversations="${CONVERSATIONS:-100000}"
"$REPO_ROOT/scripts/ensure-redis.sh" "$redis_url"

work="$(mktemp -d -t billie-bench-desktop.XXXXXX)"
cleanup() {
  rm -rf "$work"
  if [ "${KEEP:-0}" != 1 ]; then
    redis-cli -u "$redis_url" DEL "$stream" "$stream:filled" >/dev/null 2>&1 ||
      log "could not delete $stream: delete it with redis-cli DEL $stream $stream:filled"
  fi
}
trap cleanup EXIT

export BILLIE_BENCH_REDIS="$redis_url" BILLIE_BENCH_STREAM="$stream" BILLIE_BENCH_CONVERSATIONS="$conversations"
export BILLIE_BENCH_LIVE="${LIVE_SECONDS:-30}" BILLIE_BENCH_DIR="$work" BILLIE_BENCH_JSON="${JSON:-}"
cd "$REPO_ROOT"
log "building the benchmark"
CGO_ENABLED=0 go test -c -o "$work/app.test" ./app/
log "filling $stream with $conversations conversations (skipped if already filled)"
"$work/app.test" -test.run '^$' -test.bench '^BenchmarkDesktopFill$' -test.benchtime 1x -test.timeout 2h |
  grep --line-buffered -v -E '^(goos|goarch|pkg|cpu|PASS|Benchmark)'
log "measuring"
# The benchmark runs the App inside a test binary, not through main.go: give it the
# collector settings main.go gives the desktop app (unless the caller set their own).
export GOGC="${GOGC:-400}" GOMEMLIMIT="${GOMEMLIMIT:-128MiB}"
"$work/app.test" -test.run '^$' -test.bench '^BenchmarkDesktop$' -test.benchtime 1x -test.timeout 2h |
  grep --line-buffered -v -E '^(goos|goarch|pkg|cpu|PASS|Benchmark)'
