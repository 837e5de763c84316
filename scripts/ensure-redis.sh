#!/usr/bin/env bash
# Makes sure a Redis server answers at the given URL, starting a local throw-away one if not.
#   scripts/ensure-redis.sh [redis://host:port/db]     (default redis://127.0.0.1:6379/0)
# - something already answers (PONG, or an auth error: a server is there) -> nothing to do
# - nothing answers and the host is local -> redis-server --daemonize yes --port P
#   --save "" --appendonly no (nothing kept on disk), then waits until it answers
# - nothing answers and the host is not local -> error
set -euo pipefail
. "$(dirname "$0")/lib.sh"

url="${1:-${REDIS_URL:-redis://127.0.0.1:6379/0}}"

# Parse redis://[user[:password]@]host[:port][/db]  (host may be [::1])
rest="${url#redis://}"
[ "$rest" != "$url" ] || die "not a redis:// URL: $url"
rest="${rest%%/*}"
auth=""
if [[ "$rest" == *@* ]]; then auth="${rest%@*}"; rest="${rest##*@}"; fi
if [[ "$rest" == \[* ]]; then
  host="${rest#[}"; host="${host%%]*}"
  port="${rest##*]}"; port="${port#:}"
else
  host="${rest%%:*}"
  port=""; [[ "$rest" == *:* ]] && port="${rest##*:}"
fi
host="${host:-127.0.0.1}"
port="${port:-6379}"
[[ "$port" =~ ^[0-9]+$ ]] || die "bad port in $url"
password=""
[[ "$auth" == *:* ]] && password="${auth#*:}"

# Prints the first reply line to PING, or nothing.
ping_reply() {
  if command -v redis-cli >/dev/null 2>&1; then
    local args=(-h "$host" -p "$port")
    [ -n "$password" ] && args+=(-a "$password" --no-auth-warning)
    timeout 2 redis-cli "${args[@]}" PING 2>/dev/null | head -1 || true
  else
    # No redis-cli: speak RESP over bash's /dev/tcp.
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "PING\r\n" >&3 && IFS= read -r line <&3 && printf "%s\n" "${line%$'"'"'\r'"'"'}"' \
      "$host" "$port" 2>/dev/null || true
  fi
}
answers() {
  local r
  r="$(ping_reply)"
  # PONG, or an error reply such as NOAUTH: a Redis server is there either way.
  [[ "$r" == PONG || "$r" == +PONG || "$r" == NOAUTH* || "$r" == -NOAUTH* || "$r" == *"AUTH"* || "$r" == *"WRONGPASS"* ]]
}

if answers; then
  log "Redis answers at $host:$port"
  exit 0
fi

case "$host" in
  127.*|localhost|::1) ;;
  *) die "nothing answers PING at $host:$port and it is not a local address; not starting one" ;;
esac
command -v redis-server >/dev/null 2>&1 || die "redis-server not found: run scripts/setup.sh (installs redis-server)"

bind="127.0.0.1"
[ "$host" = "::1" ] && bind="::1"
rundir="${TMPDIR:-/tmp}"
log "nothing answers at $host:$port; starting redis-server --port $port (bind $bind, no persistence)"
redis-server --daemonize yes --port "$port" --bind "$bind" --save "" --appendonly no \
  --dir "$rundir" --pidfile "$rundir/billie-redis-$port.pid" --logfile "$rundir/billie-redis-$port.log" \
  ${password:+--requirepass "$password"}

for _ in $(seq 1 50); do
  if answers; then
    log "Redis answers at $host:$port (pid $(cat "$rundir/billie-redis-$port.pid" 2>/dev/null || echo '?'), log $rundir/billie-redis-$port.log)"
    exit 0
  fi
  sleep 0.1
done
die "started redis-server on port $port but it does not answer after 5s; see $rundir/billie-redis-$port.log"
