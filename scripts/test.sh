#!/usr/bin/env bash
# Every test of the project, as CI runs it (.ci/run calls exactly this):
#   set-up (packages, Wails CLI, npm modules), a local Redis when none answers,
#   gofmt + go vet, Windows and macOS cross-builds, all Go tests (real Redis, real
#   SQLite, fuzz seeds), the alerting rules' promtool tests, frontend typecheck +
#   Vitest, the end-to-end tests in headless Chromium against the real dev-tagged
#   app under Xvfb, native desktop notifications through a real notification service
#   (scripts/check-notifications.sh), and a release built with a test version and
#   checked (scripts/test-release.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

scripts/setup.sh
add_go_paths
scripts/ensure-redis.sh "${BILLIE_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}"

log "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
[ -z "$unformatted" ] || die "gofmt would change: $unformatted"
log "go vet"
go vet ./...
# Supervisors work on Windows and macOS desktops: the module must build for them too.
log "cross-build: windows/amd64 build, darwin/arm64 vet"
GOOS=windows GOARCH=amd64 go build ./...
GOOS=darwin GOARCH=arm64 go vet ./...

log "go test"
go test -count=1 -timeout 20m ./...

log "alerting rules: promtool"
promtool check rules backend/alerts/rules.yml
promtool test rules backend/alerts/rules_test.yml

log "frontend: typecheck and unit tests"
(cd frontend && npm run typecheck && npm test)

log "end-to-end"
scripts/e2e.sh

log "native desktop notifications"
E2E_SKIP_BUILD=1 scripts/check-notifications.sh

# The release from one command, checked by what it produced (signatures, installer,
# packages, unit, window, image): scripts/test-release.sh, README "Making a release".
log "release"
scripts/test-release.sh
