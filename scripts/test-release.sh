#!/usr/bin/env bash
# Builds a release with a test version (scripts/release.sh into a temporary directory) and
# checks its own output, as an administrator would use it:
#   - SHA256SUMS holds; every binary says the version (backend --version, exe properties)
#   - osslsigncode verify on the installer and on the exe inside it
#   - the installer is an NSIS PE holding the app, its uninstaller and the WebView2 bootstrapper
#   - dpkg-deb -I/-c and rpm -qp list the right files, config files and dependencies
#   - the backend .deb installs into a throw-away root (dpkg --root) with its user, and its
#     unit passes systemd-analyze verify (and its security exposure is printed)
#   - the desktop .deb's binary, unpacked, opens its window under Xvfb: screenshot in
#     $RELEASE_TEST_OUT (default build/release-test/)
#   - the OCI image, unpacked and run with runc, answers /healthz (own Redis on a free port)
# Called by scripts/test.sh; alone: scripts/test-release.sh (needs scripts/setup.sh).
# RELEASE_TEST_DIST=DIR checks a release already built there with version 9.8.7-test.1
# (RELEASE_DIST=DIR scripts/release.sh 9.8.7-test.1) instead of building one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
add_go_paths
cd "$REPO_ROOT"

V=9.8.7-test.1      # distinct numbers, so a check cannot match something else by chance
NUM=9.8.7
DEBV=9.8.7~test.1   # Debian's and RPM's spelling of the pre-release
OUT="${RELEASE_TEST_OUT:-$REPO_ROOT/build/release-test}"
work="$(mktemp -d)"
dist="$work/dist"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "${ctr:-}" ]; then runc kill "$ctr" KILL 2>/dev/null || true; sleep 0.5; runc delete -f "$ctr" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$OUT"
fail() { die "$*"; }
has() { grep -F -- "$2" <<<"$1" >/dev/null || fail "$3: '$2' not found in:"$'\n'"$1"; }
t0=$SECONDS

# --- the release -------------------------------------------------------------------
if [ -n "${RELEASE_TEST_DIST:-}" ]; then
  dist="$RELEASE_TEST_DIST"
  log "checking the release in $dist"
else
  log "scripts/release.sh $V"
  RELEASE_DIST="$dist" scripts/release.sh "$V" >"$work/release.log" 2>&1 || { cat "$work/release.log"; fail "release failed"; }
  last="$(tail -n 1 "$work/release.log")"
  if [ -z "${BILLIE_SIGN_PKCS12:-}" ]; then
    has "$last" "signed with a throw-away self-signed certificate" "release's last line"
  fi
  log "release built in $((SECONDS - t0))s; last line: $last"
fi
[ -z "$(git status --porcelain -- wails.json build/windows/installer)" ] || fail "the release left wails.json or the NSIS files changed"

setup="Billie-Supervisor-Setup-$V-amd64.exe"
for f in "$setup" "billie-supervisor_${DEBV}_amd64.deb" "billie-supervisor-${DEBV}-1.x86_64.rpm" \
  "billie-backend-$V-linux-amd64.tar.gz" "billie-backend-$V-linux-arm64.tar.gz" "billie-backend-$V-windows-amd64.zip" \
  "billie-backend_${DEBV}_amd64.deb" "billie-backend_${DEBV}_arm64.deb" \
  "billie-backend-${DEBV}-1.x86_64.rpm" "billie-backend-${DEBV}-1.aarch64.rpm" \
  "billie-backend-$V-oci.tar" RELEASE-NOTES.md SHA256SUMS signing-certificate.pem \
  "billie-backend-$V-linux-amd64.cdx.json" "billie-backend-$V-linux-arm64.cdx.json" "billie-backend-$V-windows-amd64.cdx.json" \
  "billie-supervisor-$V-linux-amd64.cdx.json" "billie-supervisor-$V-windows-amd64.cdx.json"; do
  [ -s "$dist/$f" ] || fail "dist/$f is missing; dist has: $(ls "$dist")"
done
(cd "$dist" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not hold"
[ "$(wc -l <"$dist/SHA256SUMS")" -eq "$(($(ls "$dist" | wc -l) - 1))" ] || fail "SHA256SUMS does not list every file"
for f in "$dist"/*.cdx.json; do
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["bomFormat"]=="CycloneDX" and d["metadata"]["component"]["version"]==sys.argv[2], d["metadata"]["component"]; assert len(d["components"])>5' "$f" "$V" ||
    fail "$f is not a CycloneDX SBOM of version $V"
done
has "$(cat "$dist/RELEASE-NOTES.md")" "# Billie Supervisor $V" "release notes"

# --- backend binaries ---------------------------------------------------------------
tar -C "$work" -xzf "$dist/billie-backend-$V-linux-amd64.tar.gz"
bver="$("$work/billie-backend-$V-linux-amd64/billie-backend" --version)"
has "$bver" "backend version $V (commit " "backend --version"
file_out="$(readelf -d "$work/billie-backend-$V-linux-amd64/billie-backend" 2>&1 || true)"
has "$file_out" "There is no dynamic section" "the linux/amd64 backend is static"
log "backend: $bver"

# --- Windows: signatures, installer content, version properties --------------------------
ca="$dist/signing-certificate.pem"
osslsigncode verify -CAfile "$ca" -in "$dist/$setup" >"$work/verify-setup.txt" 2>&1 || { cat "$work/verify-setup.txt"; fail "installer signature"; }
has "$(cat "$work/verify-setup.txt")" "Signature verification: ok" "osslsigncode verify (installer)"
listing="$(7z l -slt "$dist/$setup")"
has "$listing" "Type = Nsis" "the installer is an NSIS installer"
has "$listing" "Path = Billie Supervisor.exe" "the installer holds the app"
has "$listing" "MicrosoftEdgeWebview2Setup.exe" "the installer holds the WebView2 bootstrapper"
has "$listing" "Path = uninstall.exe" "the installer writes an uninstaller"
7z x -y -bd -bso0 -o"$work/setup" "$dist/$setup" "Billie Supervisor.exe"
inner="$work/setup/Billie Supervisor.exe"
osslsigncode verify -CAfile "$ca" -in "$inner" >"$work/verify-exe.txt" 2>&1 || { cat "$work/verify-exe.txt"; fail "inner exe signature"; }
has "$(cat "$work/verify-exe.txt")" "Signature verification: ok" "osslsigncode verify (exe inside the installer)"
# The version resources (UTF-16) of both: the full version (installer's ProductVersion,
# exe's Comments) and the numeric one Windows shows as the file version.
for f in "$dist/$setup" "$inner"; do
  python3 - "$f" "$V" "$NUM" <<'PY' || fail "$f: version properties"
import sys
b = open(sys.argv[1], "rb").read()
for want in sys.argv[2:]:
    if want.encode("utf-16-le") not in b:
        sys.exit(f"{sys.argv[1]}: {want!r} not in its version resource")
PY
done
log "windows: $(grep -m1 'Signature verification' "$work/verify-setup.txt") (installer), $(grep -m1 'Signature verification' "$work/verify-exe.txt") (exe inside)"

# --- Linux packages: files, config files, dependencies --------------------------------------
deb="$dist/billie-supervisor_${DEBV}_amd64.deb"
info="$(dpkg-deb -I "$deb")"
has "$info" "Version: $DEBV" "desktop .deb version"
has "$info" "Depends: libgtk-3-0, libwebkit2gtk-4.1-0" "desktop .deb dependencies"
files="$(dpkg-deb -c "$deb")"
for p in ./usr/bin/billie-supervisor ./usr/share/applications/billie-supervisor.desktop ./usr/share/pixmaps/billie-supervisor.png ./etc/billie-supervisor/defaults.json; do
  has "$files" "$p" "desktop .deb contents"
done
has "$(dpkg-deb -f "$deb" Package; dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)" "/etc/billie-supervisor/defaults.json" "desktop .deb conffiles"

bdeb="$dist/billie-backend_${DEBV}_amd64.deb"
files="$(dpkg-deb -c "$bdeb")"
for p in ./usr/bin/billie-backend ./usr/lib/systemd/system/billie-backend.service ./usr/lib/sysusers.d/billie-backend.conf ./etc/billie-supervisor/backend.env; do
  has "$files" "$p" "backend .deb contents"
done
[ ! -f backend/alerts/rules.yml ] || has "$files" ./usr/share/billie-backend/alerts/rules.yml "backend .deb alert rules"
has "$(dpkg-deb --ctrl-tarfile "$bdeb" | tar -xO ./conffiles)" "/etc/billie-supervisor/backend.env" "backend .deb conffiles"
has "$(dpkg-deb -I "$dist/billie-backend_${DEBV}_arm64.deb")" "Architecture: arm64" "backend arm64 .deb"

rpmq() { rpm -qp --nosignature "$@" 2>/dev/null; }
rdesk="$dist/billie-supervisor-${DEBV}-1.x86_64.rpm"
has "$(rpmq -l "$rdesk")" /usr/bin/billie-supervisor "desktop .rpm files"
has "$(rpmq -c "$rdesk")" /etc/billie-supervisor/defaults.json "desktop .rpm config files"
has "$(rpmq -R "$rdesk")" webkit2gtk4.1 "desktop .rpm requires"
has "$(rpmq -R "$rdesk")" gtk3 "desktop .rpm requires"
rback="$dist/billie-backend-${DEBV}-1.x86_64.rpm"
has "$(rpmq -l "$rback")" /usr/lib/systemd/system/billie-backend.service "backend .rpm files"
has "$(rpmq -c "$rback")" /etc/billie-supervisor/backend.env "backend .rpm config files"
has "$(rpmq --queryformat '%{VERSION}' "$rback")" "$DEBV" "backend .rpm version"
has "$(rpmq --scripts "$rback")" "systemd-sysusers" "backend .rpm postinstall"
log "packages: dpkg-deb and rpm list the files, config files and dependencies"

# --- backend .deb into a throw-away root; the unit verified there -----------------------------
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc" "$root/usr/sbin"
touch "$root/var/lib/dpkg/status"
# The unit's user and the /usr/sbin/nologin shell it names, as on a real system.
cp /etc/passwd /etc/group "$root/etc/"
ln -s /usr/sbin/nologin "$root/usr/sbin/nologin" 2>/dev/null || true
dpkg --root="$root" --force-script-chrootless --force-not-root --log=/dev/null -i "$bdeb" >"$work/dpkg.txt" 2>&1 ||
  { cat "$work/dpkg.txt"; fail "dpkg --root -i billie-backend"; }
grep '^billie:' "$root/etc/passwd" >/dev/null || fail "the postinstall did not create the billie user in the root"
[ "$(stat -c '%a %u' "$root/etc/billie-supervisor/backend.env")" = "640 0" ] || fail "backend.env is not root-owned 0640"
# The targets the unit's default dependencies name come from the host's systemd.
cp -an /lib/systemd/system/. "$root/usr/lib/systemd/system/"
systemd-analyze verify --root="$root" billie-backend.service >"$work/verify-unit.txt" 2>&1 ||
  { cat "$work/verify-unit.txt"; fail "systemd-analyze verify billie-backend.service"; }
[ ! -s "$work/verify-unit.txt" ] || { cat "$work/verify-unit.txt"; fail "systemd-analyze verify has remarks"; }
exposure="$(systemd-analyze security --offline=true --root="$root" billie-backend.service 2>/dev/null | tail -n 1 || true)"
log "backend .deb installed into a throw-away root; systemd-analyze verify: clean; security: ${exposure#→ }"

# --- desktop .deb: its binary opens the window under Xvfb -----------------------------------
dpkg-deb -x "$deb" "$work/desktop"
display=""
for n in $(seq 151 199); do [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { display=":$n"; break; }; done
[ -n "$display" ] || fail "no free X display"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
BILLIE_DATA_DIR="$work/desktop-data" BILLIE_REDIS_URL=redis://127.0.0.1:1/0 DISPLAY="$display" \
  "$work/desktop/usr/bin/billie-supervisor" >"$work/desktop.log" 2>&1 &
dpid=$!
pids+=("$dpid")
shot="$OUT/desktop-deb-window.png"
ok=""
for _ in $(seq 60); do
  sleep 1
  kill -0 "$dpid" 2>/dev/null || { cat "$work/desktop.log"; fail "the desktop binary exited"; }
  DISPLAY="$display" xdotool search --name "Billie Supervisor" >/dev/null 2>&1 || continue
  DISPLAY="$display" import -window root "$shot" 2>/dev/null || continue
  # A window that has painted its sign-in screen is not one flat colour.
  sd="$(convert "$shot" -colorspace gray -format '%[fx:standard_deviation]' info: 2>/dev/null || echo 0)"
  if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 0.02 else 1)' "$sd"; then ok=1; break; fi
done
[ -n "$ok" ] || { cat "$work/desktop.log"; fail "no window painted within 60 s (last screenshot: $shot)"; }
kill "$dpid" 2>/dev/null || true
log "desktop .deb binary opened its window under Xvfb: $shot"

# --- the container image: unpacked and run with runc, answers /healthz -----------------------
if command -v runc >/dev/null 2>&1; then
  freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
  rport="$(freeport)"
  redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/dev/null 2>&1 &
  pids+=($!)
  mkdir -p "$work/oci"
  tar -C "$work/oci" -xf "$dist/billie-backend-$V-oci.tar"
  umoci unpack --image "$work/oci:$V" "$work/bundle" >/dev/null
  aport="$(freeport)" oport="$(freeport)"
  # The volume as a container engine gives it: a directory of the image's user (umoci
  # would mount a root-owned tmpfs there).
  mkdir -p "$work/volume"
  chown 65532:65532 "$work/volume"
  chmod 0700 "$work/volume"
  # The host's network (no bridge here), the test's ports and Redis.
  python3 - "$work/bundle/config.json" "$rport" "$aport" "$oport" "$work/volume" <<'PY'
import json, sys
p, rport, aport, oport, vol = sys.argv[1:]
c = json.load(open(p))
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/var/lib/billie-backend"]
c["mounts"].append({"destination": "/var/lib/billie-backend", "type": "bind", "source": vol, "options": ["rbind", "rw"]})
env = [e for e in c["process"]["env"] if not e.startswith(("BILLIE_ADDR=", "BILLIE_OPS_ADDR="))]
env += [f"BILLIE_REDIS_URL=redis://127.0.0.1:{rport}/0", f"BILLIE_ADDR=127.0.0.1:{aport}",
        f"BILLIE_OPS_ADDR=127.0.0.1:{oport}", "BILLIE_DESKTOP_REDIS_ACL=false"]
c["process"]["env"] = env
c["process"]["terminal"] = False
json.dump(c, open(p, "w"))
PY
  ctr="billie-release-test-$$"
  (cd "$work/bundle" && runc run -d "$ctr" >"$work/runc.log" 2>&1 </dev/null) || { cat "$work/runc.log"; fail "runc run"; }
  user="$(runc exec "$ctr" /usr/bin/billie-backend --version 2>&1 || true)"
  has "$user" "$V" "backend --version inside the container"
  hz=""
  for _ in $(seq 100); do
    hz="$(curl -fsS "http://127.0.0.1:$aport/healthz" 2>/dev/null || true)"
    [ -z "$hz" ] || break
    sleep 0.2
  done
  [ -n "$hz" ] || { runc state "$ctr" || true; fail "the container did not answer /healthz"; }
  uid="$(runc ps "$ctr" 2>/dev/null | awk 'NR > 1 { print $1 }' | sort -u | head -1)"
  [ "$uid" = 65532 ] || fail "the container's process runs as uid '$uid', want 65532"
  [ "$(stat -c %u "$work/volume/billie.db" 2>/dev/null)" = 65532 ] || fail "the container wrote no database of its user into its volume"
  log "container image (runc): /healthz answered '$hz', process uid $uid"
else
  log "runc not found: the container image is not run (scripts/setup.sh installs it)"
fi

log "release checked in $((SECONDS - t0))s"
