#!/usr/bin/env bash
# The latency spike while BGSAVE snapshots 1,000,000 keys: `infera server` against Debian's
# redis-server 7.0 in ONE run (a benchmark, not a test).
#
#   scripts/bench-bgsave.sh                         # build release, 3 rounds
#   KEYS=200000 ROUNDS=5 scripts/bench-bgsave.sh
#   INFERA_BIN=.build/debug/infera scripts/bench-bgsave.sh   # skip the build (debug: not a fair figure)
#   BENCH_ENGINE=redis scripts/bench-bgsave.sh      # redis-server vs redis-server (checks the script)
#
# Per target and round: a fresh server in a temp dir, KEYS keys of 32-byte values loaded through
# redis-cli --pipe, then a probe client sends SET probe <n> back to back (one request in flight)
# while another connection issues BGSAVE; the probe runs from 0.5 s before BGSAVE until the save
# has finished (rdb_bgsave_in_progress:0) and records every request's latency. Reported per target:
# median over rounds of the worst request latency during the save, of the p99, of the BGSAVE
# reply time, and of the save duration; then the ratios infera/redis. redis-server forks (its
# spike is the fork); infera copies the keyspace tables by reference and pays the copy on the
# first write after the snapshot (docs/engine2.md, "Persistence").
set -euo pipefail
cd "$(dirname "$0")/.."

KEYS=${KEYS:-1000000}
ROUNDS=${ROUNDS:-3}
OUT="$(pwd)/.bench"
mkdir -p "$OUT"
PY=python3
for tool in redis-server redis-cli "$PY"; do
  command -v "$tool" >/dev/null || { echo "bench-bgsave: $tool not found (run scripts/setup.sh)" >&2; exit 1; }
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
  [ -x "$INFERA_BIN" ] || { echo "bench-bgsave: $INFERA_BIN is not executable" >&2; exit 1; }
fi

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
  for i in $(seq 1 600); do
    if ! kill -0 "$pid" 2>/dev/null; then echo "bench-bgsave: server on port $port exited" >&2; return 1; fi
    if redis-cli -h 127.0.0.1 -p "$port" PING 2>/dev/null | grep -q PONG; then return 0; fi
    sleep 0.05
  done
  echo "bench-bgsave: server on port $port not ready after 30 s" >&2; return 1
}

# Pipe file with KEYS SETs (generated once).
PIPE="$WORK/load.resp"
"$PY" - "$KEYS" "$PIPE" <<'PYEOF'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
val = b"v" * 32
with open(path, "wb") as f:
    for i in range(n):
        k = b"key:%d" % i
        f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$32\r\n%s\r\n" % (len(k), k, val))
PYEOF

PROBE="$WORK/probe.py"
cat > "$PROBE" <<'PYEOF'
import socket, sys, time
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(("127.0.0.1", port)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); return s
def call(s, *args):
    s.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
    buf = b""
    while True:
        buf += s.recv(65536)
        if buf.startswith(b"$"):
            head, _, rest = buf.partition(b"\r\n")
            n = int(head[1:])
            if n < 0 or len(rest) >= n + 2: return buf
        elif buf.endswith(b"\r\n"): return buf
import threading
probe, admin = conn(), conn()
lat = []          # (start time, latency) of every probe request
stop = threading.Event()
def run():
    i = 0
    while not stop.is_set():
        t = time.perf_counter(); call(probe, b"SET", b"probe", b"%d" % i); lat.append((t, time.perf_counter() - t)); i += 1
th = threading.Thread(target=run); th.start()
time.sleep(0.5)
t0 = time.perf_counter(); r = call(admin, b"BGSAVE"); bg_reply = time.perf_counter() - t0
if b"started" not in r:
    stop.set(); th.join(); print("error", r); sys.exit(1)
deadline = time.perf_counter() + 300
while time.perf_counter() < deadline:
    time.sleep(0.05)
    if b"rdb_bgsave_in_progress:0" in call(admin, b"INFO", b"persistence"): break
save_s = time.perf_counter() - t0
time.sleep(0.2)
stop.set(); th.join()
# Requests in flight at or after BGSAVE was sent, until the save ended.
during = sorted(l for (t, l) in lat if t + l >= t0 and t <= t0 + save_s) or [0.0]
p99 = during[min(len(during) - 1, int(len(during) * 0.99))]
print("%.3f %.3f %.3f %.3f %d" % (max(during) * 1000, p99 * 1000, bg_reply * 1000, save_s, len(during)))
PYEOF

RAW="$OUT/bench-bgsave.csv"
echo "target,round,max_ms,p99_ms,bgsave_reply_ms,save_seconds,probe_requests" > "$RAW"
start_target() { # target -> sets PORT PID
  local target=$1 dir="$WORK/$1"; rm -rf "$dir"; mkdir -p "$dir"
  PORT=$(free_port)
  if [ "$target" = redis ] || [ "${BENCH_ENGINE:-infera}" = redis ]; then
    redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no --dir "$dir" \
      --logfile "$OUT/bgsave-redis-$PORT.log" &
  else
    "$INFERA_BIN" server --port "$PORT" --bind 127.0.0.1 --save "" --dir "$dir" >"$OUT/bgsave-engine-$PORT.log" 2>&1 &
  fi
  PID=$!; PIDS+=("$PID")
  wait_ready "$PORT" "$PID"
}

echo "== $ENGINE_NAME vs redis-server $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/'): BGSAVE of $KEYS keys, $ROUNDS rounds, alternating"
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order="engine redis"; else order="redis engine"; fi
  for target in $order; do
    start_target "$target"
    redis-cli -h 127.0.0.1 -p "$PORT" --pipe < "$PIPE" >/dev/null
    read -r mx p99 reply secs n < <("$PY" "$PROBE" "$PORT")
    echo "$target,$round,$mx,$p99,$reply,$secs,$n" >> "$RAW"
    printf '   round %d  %-6s  worst %8.2f ms  p99 %7.2f ms  BGSAVE reply %7.2f ms  save %6.2f s  (%d probes)\n' \
      "$round" "$target" "$mx" "$p99" "$reply" "$secs" "$n"
    kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true
  done
done

"$PY" - "$RAW" "$ENGINE_NAME" <<'PYEOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def med(t, f): return statistics.median(float(r[f]) for r in rows if r["target"] == t)
print("== medians over rounds")
print("   %-28s %12s %12s %12s" % ("", sys.argv[2], "redis-server", "ratio"))
for f, label in [("max_ms", "worst latency during save (ms)"), ("p99_ms", "p99 during save (ms)"),
                 ("bgsave_reply_ms", "BGSAVE reply (ms)"), ("save_seconds", "save duration (s)")]:
    e, r = med("engine", f), med("redis", f)
    print("   %-28s %12.2f %12.2f %12s" % (label, e, r, ("%.2fx" % (e / r)) if r > 0 else "-"))
PYEOF
