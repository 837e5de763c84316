#!/usr/bin/env bash
# Builds the Linux desktop app.
#   scripts/desktop.sh [wails build args...]   production build (frontend built by Wails):
#       wails build -tags webkit2_41 -m -skipbindings  ->  build/bin/billie-supervisor
#       -m: Wails would otherwise run `go mod tidy` and rewrite go.mod/go.sum;
#       no -clean: it deletes everything in build/bin (app-dev, the backend, logs);
#       -skipbindings: frontend/src calls window.go through src/api/client.ts and imports
#       nothing from frontend/wailsjs (git-ignored: Wails writes its runtime wrappers
#       there anyway); DESKTOP_BINDINGS=1 also writes the bindings, for a look.
#   scripts/desktop.sh --dev                  dev-tagged build for end-to-end tests:
#       npm run build (frontend/dist) + go build -tags dev,webkit2_41  ->  build/bin/app-dev
#       run it from the repo root under a display (Xvfb):  build/bin/app-dev -devserver localhost:34115
# Needs scripts/setup.sh to have run (GTK/WebKit headers, wails CLI, node).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
add_go_paths
cd "$REPO_ROOT"

command -v go >/dev/null 2>&1 || die "go not found: run scripts/setup.sh"
pkg-config --exists webkit2gtk-4.1 gtk+-3.0 2>/dev/null ||
  die "GTK 3 / WebKitGTK 4.1 headers missing: run scripts/setup.sh (libgtk-3-dev libwebkit2gtk-4.1-dev)"

start=$SECONDS
if [ "${1:-}" = "--dev" ]; then
  shift
  "$REPO_ROOT/scripts/frontend-deps.sh"
  log "npm run build (frontend/dist)"
  (cd frontend && npm run build)
  log "go build -tags dev,webkit2_41 -o build/bin/app-dev ."
  mkdir -p build/bin
  go build -tags dev,webkit2_41 -o build/bin/app-dev "$@" .
  log "built build/bin/app-dev in $((SECONDS - start))s"
  exit 0
fi

command -v wails >/dev/null 2>&1 || die "wails not found: run scripts/setup.sh (go install .../wails/v2/cmd/wails@$WAILS_VERSION)"
have="$(wails version 2>/dev/null | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -1 || true)"
[ "$have" = "$WAILS_VERSION" ] || log "WARNING: wails CLI is ${have:-unknown}, the project pins $WAILS_VERSION (scripts/setup.sh installs it)"

# wails.json's build:tags already has webkit2_41; passing it again is harmless and keeps
# this working if that line goes. Wails runs `npm ci` itself when package.json changed,
# builds frontend/dist, then Go. It must leave tracked files alone (see the top).
flags=(-tags webkit2_41 -m)
[ "${DESKTOP_BINDINGS:-}" = 1 ] || flags+=(-skipbindings)
bin="build/bin/billie-supervisor"
rm -f "$bin"
log "wails build ${flags[*]} $*"
wails build "${flags[@]}" "$@"
[ -x "$bin" ] || die "wails build finished but $bin is missing"
log "built $bin ($(du -h "$bin" | cut -f1)) in $((SECONDS - start))s"
