#!/usr/bin/env bash
# Customer-API benchmark (not a test): builds the backend, loads a fresh database with
# about 100,000 customers and their applications and conversations (105,500 simulated
# conversations; some customers come back), through store.ApplyBatch without Redis, starts `backend serve` with a test HS256
# secret, and drives GET /api/customer/{id}/applications and /conversations with random
# customers' own tokens using wrk, for 20 s at 64 and at 8 connections. Prints
# throughput and p50/p99.
#
#   scripts/bench-api.sh                 (make bench-api)
# Environment:
#   BENCH_CONVERSATIONS=105500  BENCH_SEED=1  BENCH_DURATION=20s  BENCH_DIR=/tmp/billie-bench
#   BENCH_REUSE=1     keep and reuse a database already loaded with the same size and seed
#   BENCH_ADDR=127.0.0.1:18080  BENCH_OPS_ADDR=127.0.0.1:18090  BENCH_REDIS=redis://127.0.0.1:6379/0
#   BENCH_THREADS_64=2  BENCH_THREADS_8=2   wrk threads per run
#   BENCH_NICE=-10    niceness of the backend and wrk (root only; 0: as is), so that other
#                     jobs on a shared development machine disturb the measurement less.
#                     They still share the two cores with each other.
# The per-IP limit is off (every request comes from one address: wrk's); the
# per-customer limit stays at its default and is evaluated on every request.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
add_go_paths

convs="${BENCH_CONVERSATIONS:-105500}"
seed="${BENCH_SEED:-1}"
duration="${BENCH_DURATION:-20s}"
dir="${BENCH_DIR:-/tmp/billie-bench}"
addr="${BENCH_ADDR:-127.0.0.1:18080}"
ops_addr="${BENCH_OPS_ADDR:-127.0.0.1:18090}"
redis="${BENCH_REDIS:-redis://127.0.0.1:6379/0}"
t64="${BENCH_THREADS_64:-2}"
t8="${BENCH_THREADS_8:-2}"
nice_n="${BENCH_NICE:--10}"
[ "$(id -u)" -eq 0 ] || nice_n=0
prio=(nice -n "$nice_n")

command -v wrk >/dev/null 2>&1 || die "wrk not found: apt-get install wrk (scripts/setup.sh installs it)"
mkdir -p "$dir"
db="$dir/bench-${convs}-${seed}.db"
bin="$dir/backend"
tokens="$dir/tokens.tsv"

log "building the backend"
(cd "$REPO_ROOT" && go build -o "$bin" ./backend)

export BILLIE_CUSTOMER_JWT_SECRET="bench-only-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export BILLIE_CUSTOMER_RATE_PER_IP=-1
unset BILLIE_CUSTOMER_JWT_ISSUER BILLIE_CUSTOMER_JWT_AUDIENCE BILLIE_CUSTOMER_JWT_PUBLIC_KEY

if [ "${BENCH_REUSE:-0}" = 1 ] && [ -s "$db" ]; then
  log "reusing $db"
else
  rm -f "$db" "$db-wal" "$db-shm"
  log "loading $convs conversations (seed $seed) into $db"
  "$bin" load --db "$db" --conversations "$convs" --seed "$seed" --quiet
fi

log "minting tokens for 20,000 random customers"
"$bin" token --db "$db" --sample 20000 --ttl 2h >"$tokens"

"$REPO_ROOT/scripts/ensure-redis.sh" "$redis" >/dev/null
stream="bench:empty:$$"
serve_log="$dir/serve.log"
log "starting backend serve on $addr (log: $serve_log)"
"${prio[@]}" "$bin" serve --db "$db" --addr "$addr" --ops-addr "$ops_addr" --redis "$redis" --stream "$stream" --group bench \
  --dead-letter-stream "$stream:dead" >"$serve_log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if command -v redis-cli >/dev/null 2>&1; then
    redis-cli -u "$redis" DEL "$stream" "$stream:dead" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://$addr/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$serve_log" >&2; die "backend serve exited"; }
  sleep 0.1
done
curl -fsS "http://$addr/healthz" >/dev/null || die "backend did not come up"

# One request by hand, so a misconfiguration fails loudly instead of as a fast 401 run.
first_id="$(head -1 "$tokens" | cut -f1)"
first_tok="$(head -1 "$tokens" | cut -f2)"
code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $first_tok" "http://$addr/api/customer/$first_id/applications")"
[ "$code" = 200 ] || die "sample request answered $code"

script="$REPO_ROOT/scripts/bench-api.lua"
export TOKENS="$tokens"
run() { # connections threads duration
  "${prio[@]}" wrk -t"$2" -c"$1" -d"$3" --latency -s "$script" "http://$addr" 2>&1 | tee -a "$dir/wrk.log" | grep '^BENCH' || true
}

log "warming up (5 s, 64 connections)"
run 64 "$t64" 5s >/dev/null
: >"$dir/wrk.log"
results=()
for spec in "64 $t64" "8 $t8"; do
  set -- $spec
  log "wrk: $1 connections, $2 threads, $duration (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  line="$(run "$1" "$2" "$duration")"
  [ -n "$line" ] || die "wrk printed no result (see $dir/wrk.log)"
  results+=("$1 $line")
done

printf '\n%-12s %12s %10s %10s %10s %8s\n' connections "req/s" "p50 ms" "p99 ms" "max ms" non2xx
fail=0
for r in "${results[@]}"; do
  c="${r%% *}"
  eval "$(sed -E 's/^[0-9]+ BENCH //' <<<"$r")"
  rps=$(awk -v n="$requests" -v d="$duration_us" 'BEGIN{printf "%.0f", n/(d/1e6)}')
  printf '%-12s %12s %10.2f %10.2f %10.2f %8s\n' "$c" "$rps" "$(awk -v x="$p50_us" 'BEGIN{print x/1000}')" \
    "$(awk -v x="$p99_us" 'BEGIN{print x/1000}')" "$(awk -v x="$max_us" 'BEGIN{print x/1000}')" "$((non2xx + errors))"
  [ "$((non2xx + errors))" -eq 0 ] || fail=1
done
echo
echo "targets: 64 connections >= 8000 req/s with p99 < 25 ms; 8 connections p99 < 5 ms"
customers="$(wc -l <"$tokens")"
echo "machine: $(nproc) cores, wrk sharing them (and anything else running: see the load averages above); niceness $nice_n"
echo "database: $(du -h "$db" | cut -f1), $convs conversations; tokens for $customers random customers"
[ "$fail" = 0 ] || die "some requests failed (non-2xx or socket errors); see $dir/wrk.log and $serve_log"
