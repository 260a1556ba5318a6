#!/usr/bin/env bash
# EVALSHA of a small script (the seed's lock release: GET + compare + DEL): `infera server` against
# Debian's redis-server 7.0 in ONE run (a benchmark, not a test). Rounds alternate between the two;
# prints the median requests/s of each and the ratio infera/redis.
#
#   INFERA_BIN=/path/to/release/infera scripts/bench-evalsha.sh
#   ROUNDS=5 REQUESTS=200000 PIPELINE=16 INFERA_BIN=… scripts/bench-evalsha.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-100000}
CLIENTS=${CLIENTS:-50}
PIPELINE=${PIPELINE:-1}
for tool in redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "bench-evalsha: $tool not found (run scripts/setup.sh)" >&2; exit 1; }
done
if [ -z "${INFERA_BIN:-}" ]; then
  swift build -c release --product infera 2>&1 | tail -n 1
  INFERA_BIN="$(swift build -c release --show-bin-path)/infera"
fi
WORK=$(mktemp -d /tmp/infera-bench-evalsha.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
RP=$(free_port); IP=$(free_port)
redis-server --port "$RP" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" >/dev/null 2>&1 & PIDS+=($!)
"$INFERA_BIN" server --port "$IP" --bind 127.0.0.1 --save '' --dir "$WORK" >/dev/null 2>&1 & PIDS+=($!)
for p in "$RP" "$IP"; do
  for _ in $(seq 1 100); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.05; done
done
SCRIPT='if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end'
run() { # port sha → requests/s
  redis-cli -p "$1" set lock:order token >/dev/null
  redis-benchmark -p "$1" -c "$CLIENTS" -n "$REQUESTS" -P "$PIPELINE" --csv evalsha "$2" 1 lock:order token 2>/dev/null |
    tail -n 1 | cut -d, -f2 | tr -d '"'
}
RSHA=$(redis-cli -p "$RP" script load "$SCRIPT"); ISHA=$(redis-cli -p "$IP" script load "$SCRIPT")
[ "$RSHA" = "$ISHA" ] || { echo "bench-evalsha: SHA differs ($RSHA vs $ISHA)" >&2; exit 1; }
R=(); I=()
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then I+=("$(run "$IP" "$ISHA")"); R+=("$(run "$RP" "$RSHA")")
  else R+=("$(run "$RP" "$RSHA")"); I+=("$(run "$IP" "$ISHA")"); fi
done
python3 - "$INFERA_BIN" "$ROUNDS" "$CLIENTS" "$REQUESTS" "$PIPELINE" "${I[*]}" "${R[*]}" <<'PY'
import statistics, sys
binary, rounds, clients, requests, pipeline, i, r = sys.argv[1:]
i = [float(x) for x in i.split()]; r = [float(x) for x in r.split()]
mi, mr = statistics.median(i), statistics.median(r)
print(f"EVALSHA (lock release: GET, compare, DEL), -c {clients} -n {requests} -P {pipeline}, median of {rounds} rounds ({binary})")
print(f"infera {mi:.0f} req/s  [{min(i):.0f}-{max(i):.0f}]   redis-server {mr:.0f} req/s  [{min(r):.0f}-{max(r):.0f}]   ratio {mi/mr:.2f}")
PY
