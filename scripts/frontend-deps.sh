#!/usr/bin/env bash
# Runs `npm ci` in frontend/ when node_modules is missing or does not match
# package.json + package-lock.json (stamp: frontend/node_modules/.billie-deps.sha256).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cd "$REPO_ROOT/frontend"
command -v npm >/dev/null 2>&1 || die "npm not found: install Node.js >= 20.19 with npm (see scripts/setup.sh)"

if frontend_deps_fresh; then
  log "frontend/node_modules is up to date"
  exit 0
fi
log "npm ci in frontend/ ..."
start=$SECONDS
npm ci --no-audit --no-fund
frontend_deps_hash > "$FRONTEND_STAMP"
log "npm ci done in $((SECONDS - start))s"
