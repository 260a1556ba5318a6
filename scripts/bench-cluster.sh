#!/usr/bin/env bash
# Cluster-mode throughput: `redis-benchmark --cluster` against `infera server --cluster-enabled yes
# --cluster-shards 3` and against a 3-node redis-server cluster (redis-cli --cluster create), in ONE
# run (a benchmark, not a test). Prints per test the median requests/s over the rounds, the ratio
# infera/redis and the geometric mean of the ratios.
#
#   scripts/bench-cluster.sh                       # release build, 5 rounds
#   BUILD=debug scripts/bench-cluster.sh           # the debug binary (no release build; slower engine)
#   INFERA_BIN=/path/to/infera scripts/bench-cluster.sh
#   ROUNDS=7 REQUESTS=200000 PIPELINE=16 TESTS=set,get scripts/bench-cluster.sh
#
# Both sides run 3 primaries: redis-server as 3 processes, infera as 3 listeners (3 engines, 3 event
# loops) in one process. The order of the two sides flips every round. Raw CSV goes to .bench/.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-100000}
CLIENTS=${CLIENTS:-50}
PIPELINE=${PIPELINE:-1}
TESTS=${TESTS:-set,get,incr,lpush,rpop,sadd,hset,zadd}
BUILD=${BUILD:-release}
OUT=.bench
mkdir -p "$OUT"

for tool in redis-server redis-benchmark redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "bench-cluster: $tool not found (run scripts/setup.sh)" >&2; exit 1; }
done
if [ -z "${INFERA_BIN:-}" ]; then
  echo "== building $BUILD (swift build -c $BUILD --product infera)"
  swift build -c "$BUILD" --product infera 2>&1 | tail -n 1
  INFERA_BIN="$(swift build -c "$BUILD" --show-bin-path)/infera"
fi
[ -x "$INFERA_BIN" ] || { echo "bench-cluster: $INFERA_BIN is not executable" >&2; exit 1; }

WORK=$(mktemp -d /tmp/infera-bench-cluster.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# free_base N: a port P with P … P+N-1 all free on 127.0.0.1.
free_base() {
  python3 - "$1" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
for _ in range(200):
    base = random.randint(20000, 60000 - n)
    socks = []
    try:
        for p in range(base, base + n):
            s = socket.socket(); s.bind(("127.0.0.1", p)); socks.append(s)
        print(base); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
else:
    sys.exit("no free port range")
PY
}

wait_ready() {   # PORT PID: up to 20 s for PING
  local port=$1 pid=$2 i
  for i in $(seq 1 400); do
    kill -0 "$pid" 2>/dev/null || { echo "bench-cluster: server on port $port exited" >&2; return 1; }
    redis-cli -p "$port" PING 2>/dev/null | grep -q PONG && return 0
    sleep 0.05
  done
  echo "bench-cluster: port $port not ready after 20 s" >&2; return 1
}

wait_cluster_ok() {   # PORT…: up to 20 s until every node says cluster_state:ok
  local i p ok
  for i in $(seq 1 400); do
    ok=1
    for p in "$@"; do redis-cli -p "$p" CLUSTER INFO 2>/dev/null | grep -q 'cluster_state:ok' || ok=0; done
    [ $ok = 1 ] && return 0
    sleep 0.05
  done
  echo "bench-cluster: cluster on $* not ok after 20 s" >&2; return 1
}

echo "== redis-server cluster (3 processes)"
RBASE=$(free_base 3)
RPORTS=()
for i in 0 1 2; do
  p=$((RBASE + i)); RPORTS+=("$p")
  mkdir -p "$WORK/r$p"
  redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$WORK/r$p/nodes.conf" \
    --dir "$WORK/r$p" --save "" --appendonly no --daemonize no --logfile "$WORK/r$p/log" &
  PIDS+=("$!"); wait_ready "$p" "$!"
done
redis-cli --cluster create "${RPORTS[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes > "$WORK/create.log"
wait_cluster_ok "${RPORTS[@]}"

echo "== infera server --cluster-enabled yes --cluster-shards 3 ($INFERA_BIN)"
IBASE=$(free_base 3)
"$INFERA_BIN" server --cluster-enabled yes --cluster-shards 3 --port "$IBASE" --bind 127.0.0.1 --save "" \
  > "$WORK/infera.log" 2>&1 &
IPID=$!; PIDS+=("$IPID")
for i in 0 1 2; do wait_ready $((IBASE + i)) "$IPID"; done
wait_cluster_ok "$IBASE" $((IBASE + 1)) $((IBASE + 2))

run() {   # NAME PORT ROUND
  redis-benchmark --cluster -h 127.0.0.1 -p "$2" -c "$CLIENTS" -n "$REQUESTS" -P "$PIPELINE" -t "$TESTS" -r 100000 --csv \
    > "$OUT/cluster-$1-$3.csv" 2>/dev/null
}
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then run infera "$IBASE" "$r"; run redis "$RBASE" "$r"
  else run redis "$RBASE" "$r"; run infera "$IBASE" "$r"; fi
  echo "   round $r/$ROUNDS done"
done

python3 - "$OUT" "$ROUNDS" "$INFERA_BIN" "$PIPELINE" "$CLIENTS" "$REQUESTS" <<'PY'
import csv, math, statistics, sys
out, rounds, binary, pipeline, clients, requests = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
def load(side):
    res = {}
    for r in range(1, rounds + 1):
        with open(f"{out}/cluster-{side}-{r}.csv") as f:
            for row in csv.reader(f):   # redis-benchmark --cluster prints the node list first
                if len(row) < 2 or row[0] == "test": continue
                try: float(row[1])
                except ValueError: continue
                res.setdefault(row[0], []).append(float(row[1]))
    return res
inf, red = load("infera"), load("redis")
print(f"\nredis-benchmark --cluster, 3 shards, -c {clients} -n {requests} -P {pipeline}, median of {rounds} rounds ({binary})")
print(f"{'test':<28}{'infera req/s':>14}{'redis req/s':>14}{'ratio':>8}")
ratios = []
for t in red:
    if t not in inf: continue
    a, b = statistics.median(inf[t]), statistics.median(red[t])
    ratios.append(a / b)
    print(f"{t:<28}{a:>14.0f}{b:>14.0f}{a / b:>8.2f}")
if ratios:
    print(f"{'geometric mean':<56}{math.exp(sum(map(math.log, ratios)) / len(ratios)):>8.2f}")
PY
