# Shared helpers for scripts/*.sh. Source it: . "$(dirname "$0")/lib.sh"
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*"; }
die() { printf '[%s] ERROR: %s\n' "$(basename "$0" .sh)" "$*" >&2; exit 1; }

# sudo only when not root.
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

# Go from /usr/local/go (our machines) and Go-installed tools (wails, nfpm) on PATH.
add_go_paths() {
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
    PATH="/usr/local/go/bin:$PATH"
  fi
  if command -v go >/dev/null 2>&1; then
    local gobin
    gobin="$(go env GOBIN)"
    [ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
    case ":$PATH:" in *":$gobin:"*) ;; *) PATH="$PATH:$gobin" ;; esac
  fi
  export PATH
}

# Never let a test tool download its own browser: Debian's /usr/bin/chromium is used.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1

WAILS_VERSION=v2.16.0
# Release tools (scripts/release.sh); newer nfpm versions do not install from the module proxy here.
NFPM_VERSION=v2.45.2
CYCLONEDX_GOMOD_VERSION=v1.10.0

# frontend/node_modules is fresh when its stamp matches package.json + package-lock.json.
# The stamp lives inside node_modules, so a deleted or re-created node_modules is stale.
FRONTEND_STAMP="$REPO_ROOT/frontend/node_modules/.billie-deps.sha256"
frontend_deps_hash() { cat "$REPO_ROOT/frontend/package.json" "$REPO_ROOT/frontend/package-lock.json" | sha256sum | cut -d' ' -f1; }
frontend_deps_fresh() { [ -f "$FRONTEND_STAMP" ] && [ "$(cat "$FRONTEND_STAMP")" = "$(frontend_deps_hash)" ]; }

# Whether something listens on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port nothing listens on now: a random one in 20000-32767, below Linux's ephemeral
# range (32768-60999), where an outgoing connection could take it before the server
# binds it; random, so that parallel runs rarely pick the same.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12768))
    port_busy "$p" || { echo "$p"; return 0; }
  done
  return 1
}

# start_xvfb FIRST LAST LOG: starts a 1280x800 Xvfb on the first free display number
# in FIRST..LAST (callers keep to ranges of their own, so parallel runs do not meet),
# logging to LOG; sets display (":N") and xvfb_pid once its socket is there.
start_xvfb() {
  display=""
  local n
  for n in $(seq "$1" "$2"); do
    [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || { display=":$n"; break; }
  done
  [ -n "$display" ] || die "no free X display in $1-$2"
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$3" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
}
