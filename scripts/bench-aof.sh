#!/usr/bin/env bash
# Write throughput with the AOF on: `infera server` against Debian's redis-server 7.0 in ONE run
# (a benchmark, not a test). Both servers run with `--appendonly yes --appendfsync $FSYNC` in their
# own temp dir; redis-benchmark drives SET, INCR, LPUSH (50 clients, no pipelining) and the script
# prints the median requests/s over ROUNDS per command and the ratio infera/redis.
#
#   scripts/bench-aof.sh                                   # build release, everysec, 3 rounds
#   FSYNC=always REQUESTS=20000 scripts/bench-aof.sh
#   INFERA_BIN=.build/debug/infera scripts/bench-aof.sh    # skip the build (debug: not a fair figure)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-100000}
FSYNC=${FSYNC:-everysec}
TESTS=${TESTS:-set,incr,lpush}
PY=python3
for tool in redis-server redis-cli redis-benchmark "$PY"; do
  command -v "$tool" >/dev/null || { echo "bench-aof: $tool not found (run scripts/setup.sh)" >&2; exit 1; }
done
if [ -z "${INFERA_BIN:-}" ]; then
  echo "== building release (swift build -c release --product infera)"
  swift build -c release --product infera 2>&1 | tail -n 2
  INFERA_BIN="$(swift build -c release --show-bin-path)/infera"
fi
[ -x "$INFERA_BIN" ] || { echo "bench-aof: $INFERA_BIN is not executable" >&2; exit 1; }

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() {
  local port=$1 pid=$2 i
  for i in $(seq 1 400); do
    if ! kill -0 "$pid" 2>/dev/null; then echo "bench-aof: server on port $port exited" >&2; return 1; fi
    if redis-cli -h 127.0.0.1 -p "$port" PING 2>/dev/null | grep -q PONG; then return 0; fi
    sleep 0.05
  done
  echo "bench-aof: server on port $port not ready after 20 s" >&2; return 1
}

# run_one NAME ROUND: starts the server, benchmarks, appends "name,test,rps" lines to $WORK/results.csv.
run_one() {
  local name=$1 round=$2 port dir pid
  port=$(free_port)
  dir="$WORK/$name-$round"; mkdir -p "$dir"
  if [ "$name" = redis ]; then
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly yes --appendfsync "$FSYNC" \
      --logfile "$dir/log" >/dev/null 2>&1 &
  else
    "$INFERA_BIN" server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly yes --appendfsync "$FSYNC" \
      >"$dir/log" 2>&1 &
  fi
  pid=$!; PIDS+=("$pid")
  wait_ready "$port" "$pid"
  redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -n "$REQUESTS" -t "$TESTS" -r 100000 --csv 2>/dev/null \
    | "$PY" -c 'import csv,sys
for row in csv.reader(sys.stdin):
    if row and row[0] != "test": print(sys.argv[1] + "," + row[0] + "," + row[1])' "$name" >> "$WORK/results.csv"
  local aof; aof=$(du -sk "$dir/appendonlydir" | cut -f1)
  echo "   $name round $round: appendonlydir ${aof} KiB"
  redis-cli -h 127.0.0.1 -p "$port" SHUTDOWN NOSAVE >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

echo "== AOF write throughput, appendfsync $FSYNC, $REQUESTS requests x ($TESTS), 50 clients, $ROUNDS rounds"
for r in $(seq 1 "$ROUNDS"); do
  run_one redis "$r"
  run_one infera "$r"
done
"$PY" - "$WORK/results.csv" <<'PYEOF'
import csv, statistics, sys
rows = list(csv.reader(open(sys.argv[1])))
tests = sorted({r[1] for r in rows})
print(f"{'command':<10} {'redis-server rps':>17} {'infera rps':>12} {'infera/redis':>13}")
for t in tests:
    red = statistics.median(float(r[2]) for r in rows if r[0] == "redis" and r[1] == t)
    inf = statistics.median(float(r[2]) for r in rows if r[0] == "infera" and r[1] == t)
    print(f"{t:<10} {red:>17.0f} {inf:>12.0f} {inf / red:>13.2f}")
PYEOF
