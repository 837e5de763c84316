#!/usr/bin/env bash
# Projector benchmark (not a test): fills a fresh stream with about 1,000,000 simulated
# events, projects it from zero into a fresh database with `backend bench-projector`
# (events/s from first read to last commit, peak RSS), then rebuilds from the archive.
# BENCH_CONVERSATIONS changes the size (32,300 conversations make about 1,000,000 events).
set -euo pipefail
cd "$(dirname "$0")/.."
convs=${BENCH_CONVERSATIONS:-32300}
redis=${BILLIE_REDIS_URL:-redis://127.0.0.1:6379/0}
scripts/ensure-redis.sh "$redis"
work=$(mktemp -d /tmp/billie-bench-projector.XXXXXX)
stream="bench:chatLedger:$$"
cleanup() {
	redis-cli -u "$redis" del "$stream" "$stream:dead" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/backend" ./backend
echo "filling $stream with $convs conversations..."
"$work/backend" simulate --redis "$redis" --stream "$stream" --conversations "$convs" --seed 7 \
	--rate 0 --live=false --history 48h --quiet
"$work/backend" bench-projector --redis "$redis" --stream "$stream" --dead-letter-stream "$stream:dead" \
	--db "$work/bench.db" --log-level warn "$@"
