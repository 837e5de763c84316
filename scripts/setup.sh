#!/usr/bin/env bash
# One-time (and idempotent) machine set-up for Billie Supervisor on Debian 12 / Ubuntu.
#   - Debian packages (only the missing ones): GTK/WebKit headers for the desktop build,
#     Redis, Xvfb + Chromium for end-to-end tests, ImageMagick, fonts, wrk, curl, git,
#     a D-Bus session and dunst (a notification service) for scripts/check-notifications.sh,
#     prometheus (for promtool, which tests the alerting rules; its server is not run)
#   - checks Go >= 1.26 and Node.js >= 20.19 (does not install them)
#   - the Wails CLI (pinned) with `go install`
#   - `npm ci` in frontend/ when node_modules is stale
# Runs as root without prompts; uses sudo otherwise.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

did=()

# --- Debian packages ---------------------------------------------------------
required_pkgs=(build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev curl git prometheus)
optional_pkgs=(redis-server xvfb xauth chromium imagemagick fonts-noto-color-emoji wrk dbus-daemon dunst)
# The release (scripts/release.sh) and its check (scripts/test-release.sh): NSIS for the
# Windows installer, osslsigncode to sign it, rpm to read the .rpm packages, 7z to look
# inside the installer, umoci for the container image and runc to run it, xdotool to find
# the window.
release_pkgs=(nsis osslsigncode rpm p7zip-full umoci runc xdotool openssl ca-certificates python3 binutils)

# Not `grep -q`: it exits at the first match, the writer then dies of SIGPIPE and,
# under pipefail, the whole check fails at random.
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep 'install ok installed' >/dev/null; }
has_candidate() { apt-cache policy "$1" 2>/dev/null | grep 'Candidate: [^(]' >/dev/null; }

missing=()
for p in "${required_pkgs[@]}" "${optional_pkgs[@]}" "${release_pkgs[@]}"; do
  is_installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  log "Debian packages: all present"
else
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: ${missing[*]}"
  log "apt-get update (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600)
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q
  to_install=()
  for p in "${missing[@]}"; do
    if has_candidate "$p"; then
      to_install+=("$p")
    elif [[ " ${required_pkgs[*]} " == *" $p "* ]]; then
      die "package $p is not available from apt on this system (Debian 12 / Ubuntu 22.04+ have it)"
    else
      # e.g. Ubuntu ships chromium only as a snap
      log "WARNING: optional package $p has no apt candidate here; skipping it"
    fi
  done
  if [ ${#to_install[@]} -gt 0 ]; then
    log "apt-get install ${to_install[*]}"
    "${SUDO[@]}" apt-get install "${apt_opts[@]}" "${to_install[@]}"
    did+=("installed Debian packages: ${to_install[*]}")
    # Only promtool is wanted: under systemd the package starts a Prometheus server on
    # :9090, the backend's operations port. Stop what this script started.
    if [[ " ${to_install[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null 2>&1 \
        && systemctl is-enabled prometheus >/dev/null 2>&1; then
      "${SUDO[@]}" systemctl disable --now prometheus || true
      did+=("disabled the prometheus service the package started (only promtool is used)")
    fi
  fi
fi

# --- Go ----------------------------------------------------------------------
add_go_paths
if ! command -v go >/dev/null 2>&1; then
  die "Go not found. Install Go >= 1.26 from https://go.dev/dl/ into /usr/local/go
       (Debian/Ubuntu's packaged Go is too old), then re-run this script."
fi
go_ver="$(go env GOVERSION)"   # e.g. go1.26.8
go_minor="$(echo "$go_ver" | sed -E 's/^go1\.([0-9]+).*/\1/')"
if ! [[ "$go_minor" =~ ^[0-9]+$ ]] || [ "$go_minor" -lt 26 ]; then
  die "Go >= 1.26 is needed, found $go_ver ($(command -v go)). Install a newer Go into /usr/local/go."
fi
log "Go: $go_ver ($(command -v go))"

# --- Node.js -----------------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  die "Node.js >= 20.19 with npm not found. Install it (e.g. NodeSource 20.x or 22.x); Debian 12's nodejs 18 is too old for Vite 7."
fi
node_ver="$(node --version)"   # v20.20.2
IFS=. read -r nmaj nmin _ <<<"${node_ver#v}"
if [ "$nmaj" -lt 20 ] || { [ "$nmaj" -eq 20 ] && [ "$nmin" -lt 19 ]; } || { [ "$nmaj" -eq 21 ]; } || { [ "$nmaj" -eq 22 ] && [ "$nmin" -lt 12 ]; }; then
  die "Node.js ^20.19 or >= 22.12 is needed (Vite 7), found $node_ver"
fi
log "Node.js: $node_ver, npm $(npm --version 2>/dev/null)"

# --- Wails CLI ---------------------------------------------------------------
wails_have=""
if command -v wails >/dev/null 2>&1; then
  wails_have="$(wails version 2>/dev/null | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -1 || true)"
fi
if [ "$wails_have" != "$WAILS_VERSION" ]; then
  log "go install github.com/wailsapp/wails/v2/cmd/wails@$WAILS_VERSION (had: ${wails_have:-none})"
  go install "github.com/wailsapp/wails/v2/cmd/wails@$WAILS_VERSION"
  hash -r
  command -v wails >/dev/null 2>&1 || die "wails installed but not on PATH: add $(go env GOPATH)/bin to PATH"
  did+=("installed wails $WAILS_VERSION into $(dirname "$(command -v wails)")")
else
  log "Wails CLI: $wails_have ($(command -v wails))"
fi

# --- Release tools (pinned; scripts/release.sh) ----------------------------------
go_tool() { # go_tool NAME MODULE/cmd/NAME VERSION
  local have=""
  if command -v "$1" >/dev/null 2>&1; then
    have="$(go version -m "$(command -v "$1")" 2>/dev/null | awk '$1 == "mod" { print $3 }')"
  fi
  if [ "$have" != "$3" ]; then
    log "go install $2@$3 (had: ${have:-none})"
    go install "$2@$3"
    did+=("installed $1 $3")
  fi
}
go_tool nfpm github.com/goreleaser/nfpm/v2/cmd/nfpm "$NFPM_VERSION"
go_tool cyclonedx-gomod github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod "$CYCLONEDX_GOMOD_VERSION"

# --- Frontend dependencies ---------------------------------------------------
if frontend_deps_fresh; then
  log "frontend/node_modules is up to date"
else
  "$REPO_ROOT/scripts/frontend-deps.sh"
  did+=("ran npm ci in frontend/")
fi

# --- Summary -----------------------------------------------------------------
if [ ${#did[@]} -eq 0 ]; then
  log "nothing to do: everything was already set up"
else
  log "done:"
  for d in "${did[@]}"; do log "  - $d"; done
fi
log "for your shell: export PATH=\"\$PATH:$(dirname "$(command -v go)"):$(go env GOPATH)/bin\""
