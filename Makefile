# Billie Supervisor. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup desktop desktop-dev frontend frontend-deps frontend-test e2e contract-ts
help:
	@echo 'make setup          install system packages (if missing), wails CLI, frontend deps'
	@echo 'make desktop        Linux desktop binary -> build/bin/billie-supervisor (wails build)'
	@echo 'make desktop-dev    dev-tagged binary for e2e -> build/bin/app-dev'
	@echo 'make frontend       build frontend/dist'
	@echo 'make frontend-test  typecheck + vitest'
	@echo 'make contract-ts    regenerate frontend/src/api/contract.gen.ts from app/contract.go'
	@echo 'make e2e            app-dev under Xvfb + headless Chromium (scripts/e2e.sh)'
	@echo 'make bench-api      customer-API benchmark (scripts/bench-api.sh)'
	@echo 'make release VERSION=x.y.z   installers, packages, backend binaries, image, SBOMs -> dist/ (scripts/release.sh)'

setup:
	scripts/setup.sh

desktop:
	scripts/desktop.sh

desktop-dev:
	scripts/desktop.sh --dev

frontend-deps:
	@scripts/frontend-deps.sh

frontend: frontend-deps
	cd frontend && npm run build

frontend-test: frontend-deps
	cd frontend && npm run typecheck && npm test

# The frontend's contract types come from app/contract.go (tygo.yaml; tygo is pinned in
# go.mod). app.TestContractTypeScript fails until the result is committed.
contract-ts:
	go tool tygo generate

e2e:
	scripts/e2e.sh

.PHONY: bench-api
# Customer-API benchmark, not a test (docs/api.md, "Benchmark"): loads about 100,000
# customers, then wrk for 20 s at 64 and at 8 connections. BENCH_REUSE=1 keeps the database.
bench-api:
	scripts/bench-api.sh

.PHONY: release
# Everything a release ships, into dist/ (scripts/release.sh; README "Making a release").
release:
	@[ -n "$(VERSION)" ] || { echo 'usage: make release VERSION=x.y.z' >&2; exit 2; }
	scripts/release.sh "$(VERSION)"
