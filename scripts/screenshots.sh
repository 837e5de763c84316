#!/usr/bin/env bash
# Refreshes docs/screenshots/: every screen (frontend/e2e/tests/90-screens.mjs) at
# 1440x900 and 1024x700, through the end-to-end runner (scripts/e2e.sh: real Go app,
# real backend, headless Chromium). Pictures are named <screen>-<width>.png.
#   scripts/screenshots.sh
# Env: E2E_SKIP_BUILD=1 reuses build/bin/app-dev after the first size.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
dest=docs/screenshots
out=frontend/e2e/out
mkdir -p "$dest"
skip="${E2E_SKIP_BUILD:-0}"
for size in 1440x900 1024x700; do
  rm -f "$out"/*.png
  E2E_FILTER=90-screens E2E_VIEWPORT="$size" E2E_SKIP_BUILD="$skip" scripts/e2e.sh
  skip=1
  w="${size%x*}"
  for f in "$out"/*.png; do
    name="$(basename "$f" .png)"
    case "$name" in smoke | *-failure) continue ;; esac
    cp "$f" "$dest/$name-$w.png"
  done
done
log "screenshots in $dest:"
ls -1 "$dest"
