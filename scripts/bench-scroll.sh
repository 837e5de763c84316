#!/usr/bin/env bash
# Scroll benchmark (not a timed test): frame times of the conversation grid while it is
# scrolled, in the real desktop app (dev build under Xvfb, driven by the machine's
# Chromium through playwright-core), with a local cache of 100,000 conversations made
# by `backend load` and live events arriving meanwhile. Prints one line per density:
# requestAnimationFrame deltas p50/p95/p99/max, frames over 17 ms, long tasks. See
# docs/performance.md.
#
#   scripts/bench-scroll.sh                                  load 100,000 into a temp dir
#   BENCH_DIR=/work/bench scripts/bench-scroll.sh            load once into BENCH_DIR, reuse it after
#   E2E_SKIP_BUILD=1 BENCH_DIR=... scripts/bench-scroll.sh   reuse build/bin/app-dev too
#   BENCH_ACTIONS=1 BENCH_DIR=... scripts/bench-scroll.sh    the actions instead of the scroll:
#       status filter, Needs attention, open a conversation and back, palette; from the
#       input event to the result in the DOM and to the next frame, BENCH_REPEAT (20)
#       times each, p50/p95/max (frontend/e2e/bench/actions.mjs)
#
# Env: BENCH_DIR (kept: billie.db from `backend load`, and desktop/, the app's data dir
# whose cache.db is a copy of it), CONVERSATIONS (100000), HISTORY (720h), LIVE_RATE
# (events/s written to the stream while scrolling; 20, 0 for none), BENCH_VIEWPORT
# (1440x900), BENCH_DENSITIES ("comfortable wall"), BENCH_SECONDS (10 per density),
# BENCH_PX_PER_FRAME (40), REDIS_URL (redis://127.0.0.1:6379/0), E2E_SKIP_BUILD=1.
# The stream key is bench:scroll:<user> (the cache belongs to it); it and the desktop
# Redis users the backend issues are deleted at the end.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
add_go_paths
cd "$REPO_ROOT"
start=$SECONDS

command -v Xvfb >/dev/null 2>&1 || die "Xvfb not found: run scripts/setup.sh"
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || die "Chromium not found: run scripts/setup.sh"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
case "$redis_url" in redis://*:*/*) ;; *) die "REDIS_URL must look like redis://host:port/db (got $redis_url)" ;; esac
"$REPO_ROOT/scripts/ensure-redis.sh" "$redis_url"
stream="bench:scroll:$(id -un)"

tmp="$(mktemp -d -t billie-bench-scroll.XXXXXX)"
bench_dir="${BENCH_DIR:-$tmp/bench}"
mkdir -p "$bench_dir"
data="$bench_dir/desktop"

xvfb_pid="" app_pid="" backend_pid="" sim_pid=""
stop_pid() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
group="bench-scroll-$$"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$sim_pid"
  stop_pid "$app_pid"
  stop_pid "$backend_pid"
  stop_pid "$xvfb_pid"
  redis-cli -u "$redis_url" DEL "$stream" "$stream:dead" >/dev/null 2>&1 || log "WARNING: could not delete $stream"
  for user in $(redis-cli -u "$redis_url" ACL USERS 2>/dev/null | grep "^billie-desktop-$group-"); do
    redis-cli -u "$redis_url" ACL DELUSER "$user" >/dev/null 2>&1 || true
  done
  rm -rf "$tmp"
  log "finished in $((SECONDS - start))s (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${E2E_SKIP_BUILD:-}" != 1 ]; then
  "$REPO_ROOT/scripts/desktop.sh" --dev
fi
[ -x build/bin/app-dev ] || die "build/bin/app-dev missing: run scripts/desktop.sh --dev"
backend="$tmp/backend"
go build -o "$backend" ./backend

if [ ! -f "$bench_dir/billie.db" ]; then
  log "loading ${CONVERSATIONS:-100000} conversations over ${HISTORY:-720h} into $bench_dir/billie.db (once)"
  "$backend" load --conversations "${CONVERSATIONS:-100000}" --history "${HISTORY:-720h}" --db "$bench_dir/billie.db" --quiet
fi
# The desktop's cache: a copy of the loaded database, said to copy $stream, which
# starts empty, so the desktop is live at once over the 100,000 conversations.
mkdir -p "$data" && chmod 700 "$data"
if [ ! -f "$data/cache.db" ]; then
  log "copying the loaded database to $data/cache.db (once)"
  cp --sparse=always "$bench_dir/billie.db" "$data/cache.db"
  for suffix in -wal -shm; do
    [ -f "$bench_dir/billie.db$suffix" ] && cp "$bench_dir/billie.db$suffix" "$data/cache.db$suffix"
  done
fi
addr="${redis_url#redis://}"
printf '{"redis":"%s","stream":"%s"}' "$addr" "$stream" >"$data/cache.json"
# Each run has its own backend: forget the last run's session and settings.
rm -f "$data/settings.json" "$data/session.json" "$data/ledger-credential.json"

email="bench@example.com"
password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
bport="$(free_port)" || die "no free port"
oport="$(free_port)" || die "no free port"
port="$(free_port)" || die "no free port"
flags=(--redis "$redis_url" --db "$tmp/backend.db" --stream "$stream" --dead-letter-stream "$stream:dead" --group "$group" --consumer "bench-$$")
printf '%s\n' "$password" | "$backend" user add "${flags[@]}" --email "$email" --name "Bench Supervisor" --role supervisor >/dev/null
BILLIE_CUSTOMER_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
  "$backend" serve "${flags[@]}" --addr "127.0.0.1:$bport" --ops-addr "127.0.0.1:$oport" >"$tmp/backend.log" 2>&1 &
backend_pid=$!
for i in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$bport/healthz" 2>/dev/null && break
  [ "$i" -eq 120 ] && die "backend did not start: $(tail -5 "$tmp/backend.log")"
  sleep 0.5
done

start_xvfb 99 140 "$tmp/xvfb.log"

log "starting the app over $data (opening 100,000 conversations can take a while the first time: indexes)"
DISPLAY="$display" BILLIE_REDIS_URL="$redis_url" BILLIE_STREAM="$stream" BILLIE_BACKEND_URL="http://127.0.0.1:$bport" \
  BILLIE_DATA_DIR="$data" build/bin/app-dev -devserver "localhost:$port" >"$tmp/app.log" 2>&1 &
app_pid=$!
for i in $(seq 1 600); do
  curl -fsS -o /dev/null "http://localhost:$port/" 2>/dev/null && break
  kill -0 "$app_pid" 2>/dev/null || die "app-dev exited: $(tail -10 "$tmp/app.log")"
  [ "$i" -eq 600 ] && die "app-dev did not serve within 300s"
  sleep 0.5
done

if [ "${LIVE_RATE:-20}" != 0 ]; then
  "$backend" simulate "${flags[@]}" --conversations 2000 --history 0s --spread 1m --rate "${LIVE_RATE:-20}" --quiet \
    >"$tmp/simulate.log" 2>&1 &
  sim_pid=$!
fi

log "load before: $(uptime)"
driver=e2e/bench/scroll.mjs
[ "${BENCH_ACTIONS:-}" = 1 ] && driver=e2e/bench/actions.mjs
(cd frontend && E2E_URL="http://localhost:$port/" E2E_EMAIL="$email" E2E_PASSWORD="$password" node "$driver")
log "load after: $(uptime)"
