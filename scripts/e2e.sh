#!/usr/bin/env bash
# End-to-end tests against the real Go app in headless Chromium, with a real backend.
#   scripts/e2e.sh
# Sets up everything itself and removes it on exit:
#   - Redis (scripts/ensure-redis.sh starts a local one when none answers) and a stream
#     key of its own, e2e:chatLedger:<pid> (plus <stream>:dead), deleted at the end;
#   - a temp directory with the backend's SQLite database and the app's data dir;
#   - `backend serve` on a free port over that stream, and a supervisor and an admin
#     made with `backend user add` (passwords on stdin);
#   - a few simulated conversations (`backend simulate`) so the grid is not empty;
#   - Xvfb, then build/bin/app-dev -devserver localhost:<free port> with BILLIE_REDIS_URL,
#     BILLIE_STREAM, BILLIE_BACKEND_URL and BILLIE_DATA_DIR pointing at the above;
#   - frontend/e2e/run.mjs (smoke + frontend/e2e/tests/*.mjs), which prints
#     "N passed, N failed" and exits non-zero on any failure (so does this script).
# Env: E2E_SKIP_BUILD=1 (reuse build/bin/app-dev), E2E_PORT (app-dev port; default a free
#      one), E2E_DISPLAY (default the first free from :99), E2E_REDIS_URL (default
#      BILLIE_TEST_REDIS_URL, else redis://127.0.0.1:6379/0), E2E_KEEP=1 (keep the temp
#      dir and the stream for a look afterwards), APP_DEV_ARGS (extra args for app-dev),
#      plus run.mjs's E2E_FILTER / CHROMIUM_PATH.
# Screenshots: frontend/e2e/out/. Logs: build/bin/e2e-*.log
set -euo pipefail
. "$(dirname "$0")/lib.sh"
add_go_paths
cd "$REPO_ROOT"
start=$SECONDS

command -v Xvfb >/dev/null 2>&1 || die "Xvfb not found: run scripts/setup.sh"
command -v redis-cli >/dev/null 2>&1 || die "redis-cli not found: run scripts/setup.sh (redis-server)"
command -v curl >/dev/null 2>&1 || die "curl not found: run scripts/setup.sh"
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || die "Chromium not found: run scripts/setup.sh"


port="${E2E_PORT:-}"
if [ -n "$port" ]; then
  port_busy "$port" && die "port $port is already in use (another app-dev?); unset E2E_PORT to pick a free one"
else
  port="$(free_port)" || die "no free port for app-dev"
fi

redis_url="${E2E_REDIS_URL:-${BILLIE_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}}"
"$REPO_ROOT/scripts/ensure-redis.sh" "$redis_url"
stream="e2e:chatLedger:$$"
dead_stream="$stream:dead"

if [ "${E2E_SKIP_BUILD:-}" != 1 ]; then
  "$REPO_ROOT/scripts/desktop.sh" --dev
else
  "$REPO_ROOT/scripts/frontend-deps.sh"
fi
[ -x build/bin/app-dev ] || die "build/bin/app-dev missing: run scripts/desktop.sh --dev"
[ -f frontend/dist/index.html ] || die "frontend/dist is not built: run scripts/desktop.sh --dev"
mkdir -p build/bin
backend=build/bin/e2e-backend
log "go build -o $backend ./backend"
go build -o "$backend" ./backend

display="${E2E_DISPLAY:-}"
if [ -z "$display" ]; then
  for n in $(seq 99 140); do
    [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || { display=":$n"; break; }
  done
fi
[ -n "$display" ] || die "no free X display between :99 and :140"

work="$(mktemp -d "${TMPDIR:-/tmp}/billie-e2e.XXXXXX")"
xvfb_pid="" app_pid="" backend_pid=""
stop_pid() { # pid: TERM, wait up to 10 s, then KILL
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$rc" -ne 0 ]; then
    for f in build/bin/e2e-app-dev.log build/bin/e2e-backend.log; do
      [ -s "$f" ] && printf '[e2e] last lines of %s:\n%s\n' "$f" "$(tail -15 "$f")" >&2
    done
  fi
  stop_pid "$app_pid"
  stop_pid "$backend_pid"
  stop_pid "$xvfb_pid"
  if [ "${E2E_KEEP:-}" = 1 ]; then
    log "kept $work and the streams $stream, $dead_stream (E2E_KEEP=1)"
  else
    redis-cli -u "$redis_url" DEL "$stream" "$dead_stream" >/dev/null 2>&1 || log "WARNING: could not delete $stream"
    for user in $(redis-cli -u "$redis_url" ACL USERS 2>/dev/null | grep "^billie-desktop-${group:-none}-"); do
      redis-cli -u "$redis_url" ACL DELUSER "$user" >/dev/null 2>&1 || log "WARNING: could not delete the Redis user $user"
    done
    rm -rf "$work"
  fi
  log "finished in $((SECONDS - start))s (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The backend: the sign-in API (/api/auth) over a database of its own.
email="e2e-supervisor@example.com"
password="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
name="E2E Supervisor"
db="$work/backend.db"
bport="$(free_port)" || die "no free port for the backend"
oport="$(free_port)" || die "no free port for the backend's operations listener"
# A group of this run's own: the desktop's Redis users the backend issues at sign-in are
# named for it, and are deleted with the streams.
group="e2e-projector-$$"
backend_flags=(--redis "$redis_url" --db "$db" --stream "$stream" --dead-letter-stream "$dead_stream"
  --group "$group" --consumer "e2e-$$")
printf '%s\n' "$password" | "$backend" user add "${backend_flags[@]}" --email "$email" --name "$name" --role supervisor \
  >"$work/user-add.log" 2>&1 || die "backend user add failed: $(cat "$work/user-add.log")"
# An admin too, for the Operations screens (80-operations).
admin_email="e2e-admin@example.com"
admin_password="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
admin_name="E2E Admin"
printf '%s\n' "$admin_password" | "$backend" user add "${backend_flags[@]}" --email "$admin_email" --name "$admin_name" --role admin \
  >>"$work/user-add.log" 2>&1 || die "backend user add (admin) failed: $(cat "$work/user-add.log")"
# The customer API refuses to start without a token key; give it a throw-away one.
BILLIE_CUSTOMER_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
  "$backend" serve "${backend_flags[@]}" --addr "127.0.0.1:$bport" --ops-addr "127.0.0.1:$oport" >build/bin/e2e-backend.log 2>&1 &
backend_pid=$!
backend_url="http://127.0.0.1:$bport"
for i in $(seq 1 120); do
  curl -fsS -o /dev/null "$backend_url/healthz" 2>/dev/null && break
  kill -0 "$backend_pid" 2>/dev/null || die "backend serve exited; see build/bin/e2e-backend.log:
$(tail -20 build/bin/e2e-backend.log)"
  [ "$i" -eq 120 ] && die "backend did not answer $backend_url/healthz within 60s; see build/bin/e2e-backend.log"
  sleep 0.5
done
log "backend serving $backend_url (stream $stream, pid $backend_pid)"

# Some history, so the grid has more than the tests' own conversations. --spread 0:
# every conversation started in the past, so the ones the tests push are the newest.
"$backend" simulate "${backend_flags[@]}" --conversations 40 --history 3h --spread 0 --rate 0 \
  --live=false --seed 20241124 --quiet >"$work/simulate.log" 2>&1 ||
  die "backend simulate failed: $(tail -5 "$work/simulate.log")"
log "$(cat "$work/simulate.log")"

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >build/bin/e2e-xvfb.log 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done

# Run from the repo root: the dev build serves frontend/dist from disk.
# shellcheck disable=SC2086
DISPLAY="$display" BILLIE_REDIS_URL="$redis_url" BILLIE_STREAM="$stream" \
  BILLIE_BACKEND_URL="$backend_url" BILLIE_DATA_DIR="$work/app-data" \
  build/bin/app-dev -devserver "localhost:$port" ${APP_DEV_ARGS:-} \
  >build/bin/e2e-app-dev.log 2>&1 &
app_pid=$!
url="http://localhost:$port/"
for i in $(seq 1 120); do
  curl -fsS -o /dev/null "$url" 2>/dev/null && break
  kill -0 "$app_pid" 2>/dev/null || die "app-dev exited; see build/bin/e2e-app-dev.log:
$(tail -20 build/bin/e2e-app-dev.log)"
  [ "$i" -eq 120 ] && die "app-dev did not serve $url within 60s; see build/bin/e2e-app-dev.log"
  sleep 0.5
done
log "app-dev serving $url (display $display, pid $app_pid, data $work/app-data)"

(cd frontend && E2E_URL="$url" E2E_REQUIRE_GO="${E2E_REQUIRE_GO:-1}" \
  E2E_EMAIL="$email" E2E_PASSWORD="$password" E2E_USER_NAME="$name" \
  E2E_ADMIN_EMAIL="$admin_email" E2E_ADMIN_PASSWORD="$admin_password" E2E_ADMIN_NAME="$admin_name" \
  E2E_REDIS_URL="$redis_url" E2E_STREAM="$stream" node e2e/run.mjs)
