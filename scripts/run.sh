#!/usr/bin/env bash
# Runs the product on this machine: sets up what it needs (packages, Wails CLI, npm
# modules), starts a local Redis when none answers, builds and starts the backend
# (projector + HTTP APIs) and the live simulator, creates a first admin when the
# database has none, and starts the desktop app when a display is available.
# Ctrl-C stops everything it started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

export BILLIE_REDIS_URL="${BILLIE_REDIS_URL:-redis://127.0.0.1:6379/0}"
export BILLIE_DB="${BILLIE_DB:-data/billie.db}"
export BILLIE_ADDR="${BILLIE_ADDR:-127.0.0.1:8080}"
export BILLIE_BACKEND_URL="${BILLIE_BACKEND_URL:-http://$BILLIE_ADDR}"
export BILLIE_OPS_ADDR="${BILLIE_OPS_ADDR:-127.0.0.1:9090}"
if [ -z "${BILLIE_CUSTOMER_JWT_SECRET:-}" ]; then
  mkdir -p data && chmod 700 data
  [ -s data/customer-jwt-secret ] || head -c 48 /dev/urandom | base64 -w0 >data/customer-jwt-secret
  chmod 600 data/customer-jwt-secret
  BILLIE_CUSTOMER_JWT_SECRET="$(cat data/customer-jwt-secret)"
  export BILLIE_CUSTOMER_JWT_SECRET
fi

scripts/setup.sh
add_go_paths
scripts/ensure-redis.sh "$BILLIE_REDIS_URL"

log "building the backend"
mkdir -p build/bin data
go build -o build/bin/backend ./backend

if ! build/bin/backend user list 2>/dev/null | grep admin >/dev/null; then
  pass="$(head -c 18 /dev/urandom | base64 -w0 | tr -d '/+=')"
  printf '%s\n' "$pass" | build/bin/backend user add --email admin@billie.local --name "First Admin" --role admin >/dev/null
  printf '%s\n' "$pass" >data/first-admin-password && chmod 600 data/first-admin-password
  log "created admin@billie.local; its password is in data/first-admin-password"
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

build/bin/backend serve >data/backend.log 2>&1 &
pids+=($!)
build/bin/backend simulate --conversations "${SIM_CONVERSATIONS:-300}" --rate "${SIM_RATE:-20}" --quiet >data/simulator.log 2>&1 &
pids+=($!)

log "backend:   $BILLIE_BACKEND_URL (/api/..., /api/openapi.json, /healthz); log in data/backend.log"
log "ops:       http://$BILLIE_OPS_ADDR (/readyz, /metrics; this machine only)"
log "simulator: writing live conversations to the stream; log in data/simulator.log"
log "inspect:   build/bin/backend status | build/bin/backend inspect conversation ID"

if [ -n "${DISPLAY:-}" ]; then
  log "building and starting the desktop app (sign in as admin@billie.local)"
  scripts/desktop.sh
  build/bin/billie-supervisor &
  pids+=($!)
else
  log "no DISPLAY: the desktop app is not started. On a desktop: make desktop && build/bin/billie-supervisor"
fi
log "running; Ctrl-C stops everything"
wait "${pids[0]}"
