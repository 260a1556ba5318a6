#!/usr/bin/env bash
# Server CPU per request: redis-server 7.0 against `infera server` variants in ONE run (a benchmark,
# not a test). CPU time (utime+stime of the server process over one redis-benchmark run) is far less
# sensitive to a busy machine than requests/s, so it is the figure to compare transport changes with.
#
#   INFERA_BIN=.build/release/infera scripts/bench-engine-cpu.sh
#   VARIANTS="epoll1=--io-threads 1;epoll2=--io-threads 2;nio=--infera-io-backend nio" scripts/bench-engine-cpu.sh
#   TESTS=get,set PIPELINES="1 16" REQUESTS=100000 ROUNDS=2 scripts/bench-engine-cpu.sh
#   # one sorted set growing to 100k members (random member, random score), old binary vs new:
#   VARIANTS="old@/tmp/infera-old=--io-threads 1;new=--io-threads 1" TESTS=zadd BENCH_ARGS="-r 100000" \
#     REQUESTS=300000 ROUNDS=3 scripts/bench-engine-cpu.sh
#
# A variant is NAME=ARGS or NAME@BINARY=ARGS (BINARY instead of INFERA_BIN); BENCH_ARGS are extra
# redis-benchmark arguments (e.g. -r 100000 for random keys/members).
#
# Prints, per pipeline depth and round, req/s per test and the server's CPU ticks; then the median
# CPU ratio of each variant against redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."

INFERA_BIN=${INFERA_BIN:-.build/release/infera}
VARIANTS=${VARIANTS:-"epoll1=--io-threads 1;epoll2=--io-threads 2;nio=--infera-io-backend nio"}
TESTS=${TESTS:-ping,set,get,incr,hset,mset,lpush,rpop,sadd,zadd,lrange_100}
PIPELINES=${PIPELINES:-"1 16"}
REQUESTS=${REQUESTS:-100000}
ROUNDS=${ROUNDS:-2}
BENCH_ARGS=${BENCH_ARGS:-}
OUT=.bench
mkdir -p "$OUT"
[ -x "$INFERA_BIN" ] || { echo "bench-engine-cpu: $INFERA_BIN not found (swift build -c release --product infera)" >&2; exit 1; }

PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() {
  local port=$1 i
  for i in $(seq 1 200); do
    redis-cli -p "$port" PING 2>/dev/null | grep -q PONG && return 0
    sleep 0.05
  done
  echo "bench-engine-cpu: server on $port not ready" >&2; return 1
}
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

declare -A PORT PID
NAMES=(redis)
port=$(free_port)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --logfile "$OUT/cpu-redis.log" &
PID[redis]=$!; PORT[redis]=$port; PIDS+=("$!")
wait_ready "$port"
IFS=';' read -r -a specs <<< "$VARIANTS"
for spec in "${specs[@]}"; do
  name=${spec%%=*}; args=${spec#*=}
  bin=$INFERA_BIN
  if [[ $name == *@* ]]; then bin=${name#*@}; name=${name%%@*}; fi
  [ -x "$bin" ] || { echo "bench-engine-cpu: $bin not found" >&2; exit 1; }
  port=$(free_port)
  # shellcheck disable=SC2086
  "$bin" server --port "$port" --bind 127.0.0.1 $args > "$OUT/cpu-$name.log" 2>&1 &
  PID[$name]=$!; PORT[$name]=$port; PIDS+=("$!")
  wait_ready "$port"
  NAMES+=("$name")
done

RAW="$OUT/bench-cpu.csv"
echo "pipeline,round,target,ticks" > "$RAW"
for P in $PIPELINES; do
  for round in $(seq 1 "$ROUNDS"); do
    for name in "${NAMES[@]}"; do
      redis-cli -p "${PORT[$name]}" FLUSHALL > /dev/null
      t0=$(ticks "${PID[$name]}")
      line=$(redis-benchmark -p "${PORT[$name]}" -c 50 -n "$REQUESTS" -P "$P" -t "$TESTS" $BENCH_ARGS --csv 2>/dev/null \
        | tail -n +2 | tr -d '"' | awk -F, '{split($1, a, " "); printf "%s=%d ", a[1], $2}')
      t1=$(ticks "${PID[$name]}")
      echo "-P $P round $round $name: cpu=$((t1 - t0)) ticks  $line"
      echo "$P,$round,$name,$((t1 - t0))" >> "$RAW"
    done
  done
done

python3 - "$RAW" <<'PYEOF'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1])))
print("\n| -P | target | median CPU ticks | vs redis-server |")
print("|---:|---|---:|---:|")
for p in sorted({r["pipeline"] for r in rows}, key=int):
    med = {}
    for t in dict.fromkeys(r["target"] for r in rows):
        med[t] = statistics.median(int(r["ticks"]) for r in rows if r["pipeline"] == p and r["target"] == t)
    for t, v in med.items():
        print("| %s | %s | %.0f | %.2f× |" % (p, t, v, v / med["redis"] if med["redis"] else float("nan")))
PYEOF
