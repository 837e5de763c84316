#!/usr/bin/env bash
# A release of Billie Supervisor from one command, on Linux (Debian 12 set up by
# scripts/setup.sh):
#
#   make release VERSION=1.2.3          # or: scripts/release.sh 1.2.3
#
# writes into dist/ (RELEASE_DIST overrides):
#   Billie-Supervisor-Setup-1.2.3-amd64.exe      Windows installer (NSIS), inner exe and installer signed
#   billie-supervisor_1.2.3_amd64.deb, billie-supervisor-1.2.3-1.x86_64.rpm     desktop app, Linux
#   billie-backend-1.2.3-linux-amd64.tar.gz, …-linux-arm64.tar.gz, …-windows-amd64.zip   static backend
#   billie-backend_1.2.3_{amd64,arm64}.deb, billie-backend-1.2.3-1.{x86_64,aarch64}.rpm  backend + systemd unit
#   billie-backend-1.2.3-oci.tar                  OCI image of the backend (umoci; linux/amd64)
#   *.cdx.json                                    CycloneDX SBOM of each binary
#   RELEASE-NOTES.md                              this version's section of CHANGELOG.md
#   signing-certificate.pem                       the certificate the Windows files are signed with
#   SHA256SUMS
#
# The version is VERSION (semantic, x.y.z or x.y.z-pre): linked into every binary
# (package internal/version), written to wails.json for the exe's and installer's
# properties (and put back afterwards), and given to every package.
#
# Signing: BILLIE_SIGN_PKCS12 (path of a .p12/.pfx code-signing certificate with its key)
# and BILLIE_SIGN_PASSWORD. Without them a throw-away self-signed certificate is made and
# the last line says so. No timestamp (it needs the network): set BILLIE_SIGN_TIMESTAMP_URL
# to a timestamp server's URL to add one.
#
# Nothing is downloaded here beyond the Go, npm and Debian registries (via go and npm).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
add_go_paths
cd "$REPO_ROOT"

VERSION="${1:-${VERSION:-}}"
[ -n "$VERSION" ] || die "usage: scripts/release.sh VERSION   (or make release VERSION=x.y.z)"
[[ "$VERSION" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]] ||
  die "VERSION must be semantic, x.y.z or x.y.z-pre (e.g. 1.2.3, 1.3.0-rc.1), not '$VERSION'"
# Windows version resources and NSIS take only numbers.
NUMERIC="${VERSION%%-*}"
DIST="${RELEASE_DIST:-$REPO_ROOT/dist}"
STAGE="$DIST/.stage"
start=$SECONDS

for tool in go npm wails nfpm makensis osslsigncode openssl cyclonedx-gomod 7z; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found: run scripts/setup.sh"
done

# --- identity ------------------------------------------------------------------
COMMIT="$(git rev-parse --short=12 HEAD)"
[ -z "$(git status --porcelain --untracked-files=no)" ] || COMMIT="$COMMIT-dirty"
# The commit's time, so a rebuild of the same commit says the same.
DATE="$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)"
export SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
VPKG=github.com/billie/supervisor/internal/version
LDFLAGS="-s -w -X $VPKG.version=$VERSION -X $VPKG.commit=$COMMIT -X $VPKG.date=$DATE"
log "release $VERSION (commit $COMMIT, $DATE) into $DIST"

rm -rf "$DIST"
mkdir -p "$STAGE"

# --- release notes ---------------------------------------------------------------
# This version's section of CHANGELOG.md; a pre-release without one takes "Unreleased"
# (and may have none); a release must have its own.
notes_of() {
  awk -v v="$1" '
    /^## \[/ { if (p) exit; p = (index($0, "## [" v "]") == 1) ; next }
    p' CHANGELOG.md
}
notes="$(notes_of "$VERSION")"
if [ -z "$(printf '%s' "$notes" | tr -d '[:space:]')" ] && [ "$VERSION" != "$NUMERIC" ]; then
  notes="$(notes_of Unreleased)"
fi
if [ -z "$(printf '%s' "$notes" | tr -d '[:space:]')" ]; then
  [ "$VERSION" != "$NUMERIC" ] ||
    die "CHANGELOG.md has no notes for $VERSION: add a section '## [$VERSION] - $(date -u +%F)'"
  notes=$'\nA pre-release; CHANGELOG.md has no notes for it yet.'
fi
printf '# Billie Supervisor %s\n%s\n' "$VERSION" "$notes" >"$DIST/RELEASE-NOTES.md"

# --- signing certificate -----------------------------------------------------------
SIGN_DIR="$STAGE/sign"
mkdir -p "$SIGN_DIR"
chmod 700 "$SIGN_DIR"
if [ -n "${BILLIE_SIGN_PKCS12:-}" ]; then
  [ -f "$BILLIE_SIGN_PKCS12" ] || die "BILLIE_SIGN_PKCS12=$BILLIE_SIGN_PKCS12: no such file"
  P12="$BILLIE_SIGN_PKCS12"
  P12_PASS="${BILLIE_SIGN_PASSWORD:-}"
  THROWAWAY=0
  openssl pkcs12 -in "$P12" -passin env:BILLIE_SIGN_PASSWORD -nokeys -clcerts -out "$DIST/signing-certificate.pem" 2>/dev/null ||
    openssl pkcs12 -legacy -in "$P12" -passin env:BILLIE_SIGN_PASSWORD -nokeys -clcerts -out "$DIST/signing-certificate.pem" ||
    die "cannot read $BILLIE_SIGN_PKCS12 with BILLIE_SIGN_PASSWORD"
else
  log "BILLIE_SIGN_PKCS12 is not set: making a throw-away self-signed code-signing certificate"
  P12="$SIGN_DIR/throwaway.p12"
  P12_PASS="$(openssl rand -hex 16)"
  openssl req -x509 -newkey rsa:3072 -nodes -days 30 -sha256 \
    -subj "/CN=Billie Supervisor throw-away release signing/O=Billie" \
    -addext "keyUsage=critical,digitalSignature" -addext "extendedKeyUsage=codeSigning" \
    -keyout "$SIGN_DIR/throwaway.key" -out "$DIST/signing-certificate.pem" 2>/dev/null
  openssl pkcs12 -export -inkey "$SIGN_DIR/throwaway.key" -in "$DIST/signing-certificate.pem" \
    -passout "pass:$P12_PASS" -out "$P12"
  THROWAWAY=1
fi
sign() { # sign IN OUT DESCRIPTION
  local ts=()
  [ -z "${BILLIE_SIGN_TIMESTAMP_URL:-}" ] || ts=(-ts "$BILLIE_SIGN_TIMESTAMP_URL")
  osslsigncode sign -pkcs12 "$P12" -pass "$P12_PASS" -h sha256 -n "$3" -i https://billie.invalid/ \
    "${ts[@]}" -in "$1" -out "$2" >/dev/null
}

# --- SBOM ----------------------------------------------------------------------------
sbom() { # sbom BINARY OUT.cdx.json
  cyclonedx-gomod bin -json -version "$VERSION" -output "$2" "$1" 2>/dev/null
}

# --- backend: static binaries, archives, packages --------------------------------------
ALERTS=backend/alerts/rules.yml
for target in linux/amd64 linux/arm64 windows/amd64; do
  os="${target%/*}" arch="${target#*/}"
  dir="$STAGE/backend-$os-$arch"
  exe=billie-backend
  [ "$os" = windows ] && exe=billie-backend.exe
  mkdir -p "$dir"
  log "backend $os/$arch (CGO_ENABLED=0)"
  CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" go build -ldflags "$LDFLAGS" -o "$dir/$exe" ./backend
  sbom "$dir/$exe" "$DIST/billie-backend-$VERSION-$os-$arch.cdx.json"
  cp CHANGELOG.md docs/deploy.md build/backend/backend.env "$dir/"
  [ ! -f "$ALERTS" ] || { mkdir -p "$dir/alerts" && cp "$ALERTS" "$dir/alerts/rules.yml"; }
  name="billie-backend-$VERSION-$os-$arch"
  if [ "$os" = windows ]; then
    (cd "$dir" && 7z a -tzip -bd -bso0 "$DIST/$name.zip" .)
  else
    tar -C "$dir" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
      --transform "s,^\.,$name," -czf "$DIST/$name.tar.gz" .
    cfg="$STAGE/nfpm-backend-$arch.yaml"
    cp build/backend/nfpm.yaml "$cfg"
    if [ -f "$ALERTS" ]; then
      printf '  - src: %s\n    dst: /usr/share/billie-backend/alerts/rules.yml\n' "$ALERTS" >>"$cfg"
    fi
    for fmt in deb rpm; do
      VERSION="$VERSION" ARCH="$arch" STAGE="$dir" nfpm package -f "$cfg" -p "$fmt" -t "$DIST/" >/dev/null
    done
  fi
done
[ -f "$ALERTS" ] || log "no $ALERTS yet: the backend packages ship without alert rules"

# --- container image: OCI, without a daemon (umoci), from scratch ------------------------
IMAGE=""
if command -v umoci >/dev/null 2>&1; then
  log "container image (umoci, from scratch, user 65532)"
  oci="$STAGE/oci"
  umoci init --layout "$oci"
  umoci new --image "$oci:$VERSION"
  umoci unpack --image "$oci:$VERSION" "$STAGE/bundle" >/dev/null
  root="$STAGE/bundle/rootfs"
  install -D -m 0755 "$STAGE/backend-linux-amd64/billie-backend" "$root/usr/bin/billie-backend"
  mkdir -p "$root/etc/ssl/certs" "$root/var/lib/billie-backend" "$root/tmp"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nbillie:x:65532:65532:Billie Supervisor backend:/var/lib/billie-backend:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nbillie:x:65532:\n' >"$root/etc/group"
  # rediss:// needs the CAs; the zone database is in the binary (time/tzdata).
  [ ! -f /etc/ssl/certs/ca-certificates.crt ] || cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  chown 65532:65532 "$root/var/lib/billie-backend"
  chmod 0700 "$root/var/lib/billie-backend"
  umoci repack --image "$oci:$VERSION" "$STAGE/bundle" >/dev/null
  umoci config --image "$oci:$VERSION" --os linux --architecture amd64 \
    --config.user 65532:65532 --config.workingdir /var/lib/billie-backend \
    --config.entrypoint /usr/bin/billie-backend --config.cmd serve \
    --config.env BILLIE_ADDR=0.0.0.0:8080 --config.env BILLIE_OPS_ADDR=0.0.0.0:9090 \
    --config.env BILLIE_DB=/var/lib/billie-backend/billie.db \
    --config.exposedports 8080/tcp --config.volume /var/lib/billie-backend \
    --config.label "org.opencontainers.image.title=billie-backend" \
    --config.label "org.opencontainers.image.version=$VERSION" \
    --config.label "org.opencontainers.image.revision=$COMMIT" \
    --config.label "org.opencontainers.image.created=$DATE" \
    --created "$DATE" --history.created_by "scripts/release.sh $VERSION"
  umoci gc --layout "$oci"
  IMAGE="$DIST/billie-backend-$VERSION-oci.tar"
  tar -C "$oci" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf "$IMAGE" .
else
  log "umoci not found: no container image (scripts/setup.sh installs it)"
fi

# --- desktop ----------------------------------------------------------------------------
# wails.json's productVersion feeds the exe's properties and the installer; wails -nsis
# rewrites wails_tools.nsh from its template. Both are put back however this ends.
restore() {
  git checkout -q -- wails.json build/windows/installer/wails_tools.nsh 2>/dev/null || true
  rm -f ./*-res.syso
}
trap restore EXIT
tmp="$(mktemp)"
# Windows takes only numbers for the versions (a pre-release's x.y.z); the full version
# goes into the exe's Comments and the installer's ProductVersion.
python3 - "$NUMERIC" "$VERSION" "$COMMIT" >"$tmp" <<'PY'
import json, sys
d = json.load(open("wails.json"))
d["info"]["productVersion"] = sys.argv[1]
d["info"]["comments"] = f"Billie Supervisor desktop app {sys.argv[2]} (commit {sys.argv[3]})"
print(json.dumps(d, indent=2, ensure_ascii=False))
PY
cat "$tmp" >wails.json && rm -f "$tmp"

# -m: Wails would run `go mod tidy`; -skipbindings: see scripts/desktop.sh; no -clean (it
# empties build/bin). The Linux build also builds frontend/dist, which the Windows one reuses (-s).
log "desktop linux/amd64 (wails build)"
rm -f build/bin/billie-supervisor build/bin/billie-supervisor.exe
wails build -m -skipbindings -tags webkit2_41 -ldflags "$LDFLAGS" >"$STAGE/wails-linux.log" 2>&1 ||
  { cat "$STAGE/wails-linux.log"; die "wails build (linux) failed"; }
sbom build/bin/billie-supervisor "$DIST/billie-supervisor-$VERSION-linux-amd64.cdx.json"
for fmt in deb rpm; do
  VERSION="$VERSION" nfpm package -f build/linux/nfpm.yaml -p "$fmt" -t "$DIST/" >/dev/null
done

log "desktop windows/amd64 (wails build -nsis)"
wails build -m -skipbindings -s -platform windows/amd64 -nsis -ldflags "$LDFLAGS" \
  -o billie-supervisor.exe >"$STAGE/wails-windows.log" 2>&1 ||
  { cat "$STAGE/wails-windows.log"; die "wails build (windows) failed"; }
exe="$STAGE/billie-supervisor.exe"
sign build/bin/billie-supervisor.exe "$exe" "Billie Supervisor"
sbom "$exe" "$DIST/billie-supervisor-$VERSION-windows-amd64.cdx.json"
# The installer again, around the signed exe (Wails' own holds the unsigned one).
setup="Billie-Supervisor-Setup-$VERSION-amd64.exe"
(cd build/windows/installer && makensis -V2 -DARG_WAILS_AMD64_BINARY="$exe" \
  -DINFO_PRODUCTVERSION="$NUMERIC" -DBILLIE_VERSION="$VERSION" -DOUTFILE="$STAGE/$setup" project.nsi >/dev/null)
sign "$STAGE/$setup" "$DIST/$setup" "Billie Supervisor Setup"
rm -f "build/bin/Billie Supervisor-amd64-installer.exe"

# --- checksums ----------------------------------------------------------------------------
(cd "$DIST" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%P\n' | sort | xargs sha256sum >SHA256SUMS)
rm -rf "$STAGE"

log "done in $((SECONDS - start))s:"
(cd "$DIST" && ls -1sh --ignore=SHA256SUMS . | sed 's/^/  /')
if [ "$THROWAWAY" = 1 ]; then
  echo "WARNING: release $VERSION in $DIST is signed with a throw-away self-signed certificate (set BILLIE_SIGN_PKCS12 and BILLIE_SIGN_PASSWORD for a real one)"
else
  echo "release $VERSION in $DIST, signed with $(openssl x509 -in "$DIST/signing-certificate.pem" -noout -subject)"
fi
