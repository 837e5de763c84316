#!/usr/bin/env bash
# End-to-end smoke/tests against the real Go app in headless Chromium.
#   scripts/e2e.sh            build build/bin/app-dev, start it under Xvfb with
#                             -devserver localhost:$E2E_PORT, run `npm run e2e` against it
# Env: E2E_SKIP_BUILD=1 (reuse build/bin/app-dev), E2E_PORT (34115), E2E_DISPLAY (first free
#      from :99), APP_DEV_ARGS (extra args for app-dev), plus frontend/e2e/run.mjs's
#      E2E_FILTER / CHROMIUM_PATH. Screenshots: frontend/e2e/out/. Logs: build/bin/e2e-*.log
set -euo pipefail
. "$(dirname "$0")/lib.sh"
add_go_paths
cd "$REPO_ROOT"

port="${E2E_PORT:-34115}"
command -v Xvfb >/dev/null 2>&1 || die "Xvfb not found: run scripts/setup.sh"
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || die "Chromium not found: run scripts/setup.sh"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  die "port $port is already in use (another app-dev?); set E2E_PORT"
fi

if [ "${E2E_SKIP_BUILD:-}" != 1 ]; then
  "$REPO_ROOT/scripts/desktop.sh" --dev
else
  "$REPO_ROOT/scripts/frontend-deps.sh"
fi
[ -x build/bin/app-dev ] || die "build/bin/app-dev missing: run scripts/desktop.sh --dev"

display="${E2E_DISPLAY:-}"
if [ -z "$display" ]; then
  for n in $(seq 99 140); do
    [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || { display=":$n"; break; }
  done
fi
[ -n "$display" ] || die "no free X display between :99 and :140"

xvfb_pid="" app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  true
}
trap cleanup EXIT INT TERM

mkdir -p build/bin
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >build/bin/e2e-xvfb.log 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done

# Run from the repo root: the dev build serves frontend/dist from disk.
# shellcheck disable=SC2086
DISPLAY="$display" build/bin/app-dev -devserver "localhost:$port" ${APP_DEV_ARGS:-} \
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
log "app-dev serving $url (display $display, pid $app_pid)"

(cd frontend && E2E_URL="$url" E2E_REQUIRE_GO="${E2E_REQUIRE_GO:-1}" node e2e/run.mjs)
