#!/usr/bin/env bash
# Projector A/B (not a test): the backend at REV against the working tree, back to back
# on one machine and one filled stream, ROUNDS times each, alternating (these machines
# drift by a fifth from minute to minute, so only interleaved runs compare). Prints
# each run's `backend bench-projector` lines (projection rate, peak RSS, rebuild rate).
#
#   scripts/bench-projector-ab.sh REV [ROUNDS]     e.g. scripts/bench-projector-ab.sh HEAD~5 2
# Environment: BILLIE_REDIS_URL (redis://127.0.0.1:6379/0), BENCH_CONVERSATIONS (32300,
# about 1,000,000 events).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
add_go_paths
rev=${1:?usage: scripts/bench-projector-ab.sh REV [ROUNDS]}
rounds=${2:-2}
convs=${BENCH_CONVERSATIONS:-32300}
redis=${BILLIE_REDIS_URL:-redis://127.0.0.1:6379/0}
cd "$REPO_ROOT"
scripts/ensure-redis.sh "$redis"
work=$(mktemp -d /tmp/billie-bench-ab.XXXXXX)
stream="bench:ab:$$"
cleanup() {
	redis-cli -u "$redis" del "$stream" "$stream:dead" >/dev/null 2>&1 || true
	git worktree remove --force "$work/old" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
git worktree add --detach "$work/old" "$rev" >/dev/null
(cd "$work/old" && go build -o "$work/backend-old" ./backend)
go build -o "$work/backend-new" ./backend
echo "filling $stream with $convs conversations..."
"$work/backend-new" simulate --redis "$redis" --stream "$stream" --conversations "$convs" --seed 7 \
	--rate 0 --live=false --history 48h --quiet
for round in $(seq "$rounds"); do
	for v in old new; do
		group="ab-$v-$round"
		echo "== $v ($([ $v = old ] && echo "$rev" || echo "working tree")), round $round"
		"$work/backend-$v" bench-projector --redis "$redis" --stream "$stream" --dead-letter-stream "$stream:dead" \
			--group "$group" --db "$work/$v.db" --log-level warn
		redis-cli -u "$redis" xgroup destroy "$stream" "$group" >/dev/null
		rm -f "$work/$v.db" "$work/$v.db-wal" "$work/$v.db-shm"
	done
done
