#!/usr/bin/env bash
# Native desktop notifications on Linux, end to end: a D-Bus session with a real
# notification service (dunst) on an Xvfb display, the dev app (build/bin/app-dev, as
# scripts/e2e.sh builds it) and a backend; a signed-in window asks Go to notify, the
# notification is clicked through the service (dunstctl), and the click must reach the
# window with its conversation (frontend/e2e/notify-check.mjs). A screenshot of the
# screen with the notification is left in frontend/e2e/out/notification.png.
#
#   scripts/check-notifications.sh        (E2E_SKIP_BUILD=1 reuses build/bin/app-dev)
#
# Env: REDIS_URL (redis://127.0.0.1:6379/0). Uses its own stream key and deletes it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
add_go_paths
cd "$REPO_ROOT"

for tool in Xvfb dbus-run-session dunst dunstctl import; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found: run scripts/setup.sh"
done
if [ "${E2E_SKIP_BUILD:-}" != 1 ] || [ ! -x build/bin/app-dev ]; then
  scripts/desktop.sh --dev
fi
redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
scripts/ensure-redis.sh "$redis_url"

tmp="$(mktemp -d -t billie-notify.XXXXXX)"
stream="check:notify:$$"
group="notify-check-$$"
backend_pid="" xvfb_pid=""
cleanup() {
  local rc=$?
  trap - EXIT
  [ -n "$backend_pid" ] && kill "$backend_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
  wait 2>/dev/null || true
  redis-cli -u "$redis_url" DEL "$stream" "$stream:dead" >/dev/null 2>&1 || true
  for user in $(redis-cli -u "$redis_url" ACL USERS 2>/dev/null | grep "^billie-desktop-$group-" || true); do
    redis-cli -u "$redis_url" ACL DELUSER "$user" >/dev/null 2>&1 || true
  done
  [ "$rc" -eq 0 ] || { log "logs:"; tail -n 20 "$tmp"/*.log >&2 || true; }
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT

go build -o "$tmp/backend" ./backend
email="notify@example.com"
password="notify-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
flags=(--redis "$redis_url" --db "$tmp/backend.db" --stream "$stream" --dead-letter-stream "$stream:dead" --group "$group" --consumer "notify-$$")
printf '%s\n' "$password" | "$tmp/backend" user add "${flags[@]}" --email "$email" --name "Nina Notify" --role supervisor >/dev/null
bport="$(free_port)" && oport="$(free_port)" && port="$(free_port)" || die "no free port"
BILLIE_CUSTOMER_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
  "$tmp/backend" serve "${flags[@]}" --addr "127.0.0.1:$bport" --ops-addr "127.0.0.1:$oport" >"$tmp/backend.log" 2>&1 &
backend_pid=$!

start_xvfb 150 190 "$tmp/xvfb.log"
for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$bport/healthz" 2>/dev/null && break; sleep 0.5; done

mkdir -p "$tmp/data" frontend/e2e/out && chmod 700 "$tmp/data"
# Everything that talks to the notification service shares one D-Bus session.
export DISPLAY="$display" TMP_DIR="$tmp" BPORT="$bport" PORT="$port" STREAM="$stream" REDIS="$redis_url" \
  E2E_EMAIL="$email" E2E_PASSWORD="$password"
dbus-run-session -- bash -euo pipefail -c '
  dunst >"$TMP_DIR/dunst.log" 2>&1 &
  BILLIE_REDIS_URL="$REDIS" BILLIE_STREAM="$STREAM" BILLIE_BACKEND_URL="http://127.0.0.1:$BPORT" \
    BILLIE_DATA_DIR="$TMP_DIR/data" build/bin/app-dev -devserver "localhost:$PORT" >"$TMP_DIR/app.log" 2>&1 &
  app=$!
  for i in $(seq 1 240); do curl -fsS -o /dev/null "http://localhost:$PORT/" 2>/dev/null && break; sleep 0.5; done
  (cd frontend && E2E_URL="http://localhost:$PORT" node e2e/notify-check.mjs) &
  driver=$!
  shown=""
  for _ in $(seq 1 120); do
    [ "$(dunstctl count displayed 2>/dev/null || echo 0)" -ge 1 ] && { shown=1; break; }
    kill -0 "$driver" 2>/dev/null || break
    sleep 0.5
  done
  if [ -n "$shown" ]; then
    import -window root frontend/e2e/out/notification.png
    dunstctl action 0   # the default action: what a click on the notification does
  fi
  rc=0; wait "$driver" || rc=$?
  kill "$app" 2>/dev/null || true
  kill %1 2>/dev/null || true
  exit "$rc"
'
log "a native notification was shown, and its click opened its conversation in the window (frontend/e2e/out/notification.png)"
