#!/usr/bin/env bash
# Benchmark `infera server` against Debian's redis-server 7.0 in ONE run (a benchmark, not a test).
#
#   scripts/bench-engine.sh                 # build release, 3 rounds, full report
#   ROUNDS=5 REQUESTS=200000 scripts/bench-engine.sh
#   BENCH_ENGINE=redis scripts/bench-engine.sh   # redis-server vs redis-server (checks the script)
#   INFERA_BIN=/path/to/infera scripts/bench-engine.sh   # skip the build
#   ENGINE_ARGS="--io-threads 2" scripts/bench-engine.sh  # extra `infera server` arguments
#   ONLY=fanout scripts/bench-engine.sh                  # one part: throughput | memory | fanout
#
# What it does, alternating engine/redis (the order flips every round so neither side always
# runs first on a warm or cold machine):
#   redis-benchmark -c 50 -n $REQUESTS -t ping,set,get,incr,hset,mset,lpush,rpop,sadd,zadd,lrange_100
#   plus PFADD bench:hll el:__rand_int__ (-r 1000000)
#   with -P 1 and with -P 16, --csv; per test the median requests/s and median p99 over the
#   rounds, the ratio engine/redis, and the geometric mean of the ratios per mode;
#   resident memory (VmRSS) of fresh instances after loading 1,000,000 keys with 32-byte values
#   through a pipeline (redis-cli --pipe);
#   a pub/sub fan-out: 50 subscribers on one channel, 20,000 PUBLISHes of 32 bytes, deliveries/s.
# Raw results go to .bench/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-200000}
CLIENTS=${CLIENTS:-50}
TESTS_1=${TESTS_1:-ping,set,get,incr,hset,mset}
TESTS_2=${TESTS_2:-lpush,rpop,sadd,zadd,lrange_100}
PFADD_TEST=${PFADD_TEST-pfadd}   # empty: skip the PFADD run
MEMORY_KEYS=${MEMORY_KEYS:-1000000}
FANOUT_SUBSCRIBERS=${FANOUT_SUBSCRIBERS:-50}
FANOUT_MESSAGES=${FANOUT_MESSAGES:-20000}
OUT=.bench
mkdir -p "$OUT"
PY=python3

for tool in redis-server redis-benchmark redis-cli "$PY"; do
  command -v "$tool" >/dev/null || { echo "bench-engine: $tool not found (run scripts/setup.sh)" >&2; exit 1; }
done

if [ "${BENCH_ENGINE:-infera}" = "redis" ]; then
  ENGINE_NAME="redis-server (self-check)"
else
  ENGINE_NAME="infera server"
  if [ -z "${INFERA_BIN:-}" ]; then
    echo "== building release (swift build -c release --product infera)"
    swift build -c release --product infera 2>&1 | tail -n 2
    INFERA_BIN="$(swift build -c release --show-bin-path)/infera"
  fi
  [ -x "$INFERA_BIN" ] || { echo "bench-engine: $INFERA_BIN is not executable" >&2; exit 1; }
fi

PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# wait_ready PORT PID: up to 20 s for PING to answer.
wait_ready() {
  local port=$1 pid=$2 i
  for i in $(seq 1 400); do
    if ! kill -0 "$pid" 2>/dev/null; then echo "bench-engine: server on port $port exited" >&2; return 1; fi
    if redis-cli -h 127.0.0.1 -p "$port" PING 2>/dev/null | grep -q PONG; then return 0; fi
    sleep 0.05
  done
  echo "bench-engine: server on port $port not ready after 20 s" >&2; return 1
}

# start_redis VAR_PORT VAR_PID ; start_engine VAR_PORT VAR_PID
start_redis() {
  local port; port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --logfile "$OUT/redis-$port.log" &
  local pid=$!
  PIDS+=("$pid")
  wait_ready "$port" "$pid"
  printf -v "$1" '%s' "$port"; printf -v "$2" '%s' "$pid"
}
start_engine() {
  if [ "${BENCH_ENGINE:-infera}" = "redis" ]; then start_redis "$1" "$2"; return; fi
  local port; port=$(free_port)
  # shellcheck disable=SC2086
  "$INFERA_BIN" server --port "$port" --bind 127.0.0.1 ${ENGINE_ARGS:-} >"$OUT/engine-$port.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_ready "$port" "$pid"
  printf -v "$1" '%s' "$port"; printf -v "$2" '%s' "$pid"
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

want() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }
RAW="$OUT/bench-raw.csv"
MEM="$OUT/bench-memory.csv"
FAN="$OUT/bench-fanout.csv"
echo "target,mode,round,test,rps,avg_ms,min_ms,p50_ms,p95_ms,p99_ms,max_ms" > "$RAW"
echo "target,rss_empty_kb,rss_loaded_kb,dbsize,load_seconds" > "$MEM"
echo "target,round,seconds,deliveries_per_s" > "$FAN"

if want throughput; then
start_engine E_PORT E_PID
start_redis R_PORT R_PID
echo "== $ENGINE_NAME on 127.0.0.1:$E_PORT (pid $E_PID), redis-server $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/') on 127.0.0.1:$R_PORT (pid $R_PID)"
echo "== redis-benchmark -c $CLIENTS -n $REQUESTS, $ROUNDS rounds, -P 1 and -P 16, alternating"

run_one() { # target port mode round
  local target=$1 port=$2 pipeline=$3 round=$4 tests
  for tests in "$TESTS_1" "$TESTS_2"; do
    redis-cli -h 127.0.0.1 -p "$port" FLUSHALL >/dev/null
    redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$REQUESTS" -P "$pipeline" -t "$tests" --csv 2>/dev/null \
      | tail -n +2 | tr -d '"' | while IFS=, read -r test rps avg min p50 p95 p99 max; do
          echo "$target,P$pipeline,$round,$test,$rps,$avg,$min,$p50,$p95,$p99,$max"
        done >> "$RAW"
  done
  # PFADD (not among redis-benchmark's -t tests): random elements into one HyperLogLog, which
  # turns dense after the first few thousand adds, like a real unique-visitor counter.
  if [ -n "$PFADD_TEST" ]; then
    redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$REQUESTS" -P "$pipeline" -r 1000000 --csv \
        PFADD bench:hll el:__rand_int__ 2>/dev/null \
      | tail -n +2 | tr -d '"' | while IFS=, read -r test rps avg min p50 p95 p99 max; do
          echo "$target,P$pipeline,$round,pfadd,$rps,$avg,$min,$p50,$p95,$p99,$max"
        done >> "$RAW"
  fi
}

for round in $(seq 1 "$ROUNDS"); do
  for pipeline in 1 16; do
    if [ $((round % 2)) -eq 1 ]; then order="engine redis"; else order="redis engine"; fi
    for target in $order; do
      if [ "$target" = engine ]; then port=$E_PORT; else port=$R_PORT; fi
      printf '   round %d  -P %-2d  %-6s ...' "$round" "$pipeline" "$target"
      start=$(date +%s.%N)
      run_one "$target" "$port" "$pipeline" "$round"
      printf ' %.1fs\n' "$(echo "$(date +%s.%N) - $start" | bc)"
    done
  done
done
stop_pid "$E_PID"; stop_pid "$R_PID"
fi

# ---- memory: fresh instances, 1M keys with 32-byte values through a pipeline ----
if want memory; then
echo "== memory: $MEMORY_KEYS keys, 32-byte values (SET key:%012d <32 bytes> via redis-cli --pipe)"
LOAD="$OUT/load-$MEMORY_KEYS.resp"
if [ ! -s "$LOAD" ]; then
  "$PY" - "$MEMORY_KEYS" > "$LOAD" <<'PYEOF'
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
val = b"v" * 32
chunk = []
for i in range(n):
    k = b"key:%012d" % i
    chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$32\r\n%s\r\n" % (len(k), k, val))
    if len(chunk) == 10000:
        out.write(b"".join(chunk)); chunk = []
out.write(b"".join(chunk))
PYEOF
fi
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
for target in engine redis; do
  if [ "$target" = engine ]; then start_engine M_PORT M_PID; else start_redis M_PORT M_PID; fi
  empty=$(rss_kb "$M_PID")
  start=$(date +%s.%N)
  redis-cli -h 127.0.0.1 -p "$M_PORT" --pipe < "$LOAD" > "$OUT/pipe-$target.log" 2>&1 || { echo "bench-engine: loading $target failed:"; cat "$OUT/pipe-$target.log"; }
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  dbsize=$(redis-cli -h 127.0.0.1 -p "$M_PORT" DBSIZE)
  sleep 1 # let allocator statistics settle; RSS is read once
  loaded=$(rss_kb "$M_PID")
  echo "$target,$empty,$loaded,$dbsize,$secs" >> "$MEM"
  stop_pid "$M_PID"
done

fi

# ---- pub/sub fan-out ----
if want fanout; then
echo "== pub/sub fan-out: $FANOUT_SUBSCRIBERS subscribers, $FANOUT_MESSAGES messages of 32 bytes"
fanout() { # port
  "$PY" - "$1" "$FANOUT_SUBSCRIBERS" "$FANOUT_MESSAGES" <<'PYEOF'
import socket, sys, time, threading, selectors
port, nsub, nmsg = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
chan = b"bench:fanout"
payload = b"p" * 32
def cmd(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)
subs = []
for _ in range(nsub):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(cmd(b"SUBSCRIBE", chan))
    subs.append(s)
confirm = b"*3\r\n$9\r\nsubscribe\r\n$%d\r\n%s\r\n:1\r\n" % (len(chan), chan)
for s in subs:
    got = b""
    while len(got) < len(confirm):
        d = s.recv(len(confirm) - len(got))
        if not d: raise SystemExit("subscriber closed")
        got += d
    if got != confirm: raise SystemExit("unexpected subscribe reply %r" % got)
    s.setblocking(False)
frame = len(b"*3\r\n$7\r\nmessage\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(chan), chan, len(payload), payload))
want = frame * nmsg
pub = socket.create_connection(("127.0.0.1", port), timeout=30)
reply = b":%d\r\n" % nsub
def publish():
    batch = 100
    msg = cmd(b"PUBLISH", chan, payload)
    sent = 0
    while sent < nmsg:
        n = min(batch, nmsg - sent)
        pub.sendall(msg * n)
        need = len(reply) * n
        got = 0
        while got < need:
            d = pub.recv(need - got)
            if not d: raise SystemExit("publisher closed")
            got += len(d)
        sent += n
sel = selectors.DefaultSelector()
counts = {}
for s in subs:
    sel.register(s, selectors.EVENT_READ)
    counts[s] = 0
t0 = time.perf_counter()
th = threading.Thread(target=publish); th.start()
done = 0
deadline = t0 + 120
while done < nsub and time.perf_counter() < deadline:
    for key, _ in sel.select(timeout=1):
        s = key.fileobj
        try:
            d = s.recv(1 << 20)
        except BlockingIOError:
            continue
        if not d: raise SystemExit("subscriber closed during fan-out")
        counts[s] += len(d)
        if counts[s] >= want:
            sel.unregister(s); done += 1
elapsed = time.perf_counter() - t0
th.join(timeout=30)
if done < nsub: raise SystemExit("fan-out incomplete after 120 s")
print("%.4f,%.0f" % (elapsed, nsub * nmsg / elapsed))
PYEOF
}
start_engine F_E_PORT F_E_PID
start_redis F_R_PORT F_R_PID
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order="engine redis"; else order="redis engine"; fi
  for target in $order; do
    if [ "$target" = engine ]; then port=$F_E_PORT; else port=$F_R_PORT; fi
    if r=$(fanout "$port"); then echo "$target,$round,$r" >> "$FAN"; else echo "   fan-out on $target failed: $r"; fi
  done
done
stop_pid "$F_E_PID"; stop_pid "$F_R_PID"
fi

# ---- report ----
"$PY" - "$RAW" "$MEM" "$FAN" "$ENGINE_NAME" <<'PYEOF'
import csv, sys, math, statistics
raw, mem, fan, engine_name = sys.argv[1:5]
rows = list(csv.DictReader(open(raw)))
def med(xs): return statistics.median(xs) if xs else float("nan")
tests = []
for r in rows:
    if r["test"] not in tests: tests.append(r["test"])
print()
print("# %s vs redis-server 7.0 — redis-benchmark medians over rounds" % engine_name)
for mode in ("P1", "P16"):
    print()
    print("## -%s" % mode.replace("P", "P "))
    print("| test | engine req/s | redis req/s | ratio | engine p99 ms | redis p99 ms | p99 ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    ratios, p99ratios = [], []
    for t in tests:
        e = [r for r in rows if r["mode"] == mode and r["test"] == t and r["target"] == "engine"]
        d = [r for r in rows if r["mode"] == mode and r["test"] == t and r["target"] == "redis"]
        if not e or not d: 
            print("| %s | %s | %s | missing | | | |" % (t, len(e), len(d))); continue
        er, rr = med([float(x["rps"]) for x in e]), med([float(x["rps"]) for x in d])
        ep, rp = med([float(x["p99_ms"]) for x in e]), med([float(x["p99_ms"]) for x in d])
        ratio = er / rr if rr else float("nan")
        pr = ep / rp if rp else float("nan")
        ratios.append(ratio); p99ratios.append(pr)
        print("| %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.2f |" % (t, er, rr, ratio, ep, rp, pr))
    gm = math.exp(sum(math.log(x) for x in ratios) / len(ratios)) if ratios else float("nan")
    gp = math.exp(sum(math.log(x) for x in p99ratios if x > 0) / max(1, len([x for x in p99ratios if x > 0]))) if p99ratios else float("nan")
    print("| **geometric mean** | | | **%.2f** | | | %.2f |" % (gm, gp))
print()
print("## memory after loading keys (VmRSS)")
print("| target | empty MiB | loaded MiB | keys | load s |")
print("|---|---:|---:|---:|---:|")
m = {r["target"]: r for r in csv.DictReader(open(mem))}
for t in ("engine", "redis"):
    if t in m:
        r = m[t]
        print("| %s | %.1f | %.1f | %s | %.1f |" % (t, int(r["rss_empty_kb"]) / 1024, int(r["rss_loaded_kb"]) / 1024, r["dbsize"], float(r["load_seconds"])))
if "engine" in m and "redis" in m:
    print("memory ratio engine/redis (loaded): %.2f" % (int(m["engine"]["rss_loaded_kb"]) / int(m["redis"]["rss_loaded_kb"])))
print()
print("## pub/sub fan-out (deliveries/s, median)")
f = list(csv.DictReader(open(fan)))
fe = med([float(r["deliveries_per_s"]) for r in f if r["target"] == "engine"])
fr = med([float(r["deliveries_per_s"]) for r in f if r["target"] == "redis"])
print("| engine | redis | ratio |")
print("|---:|---:|---:|")
print("| %.0f | %.0f | %.2f |" % (fe, fr, fe / fr if fr else float("nan")))
PYEOF
