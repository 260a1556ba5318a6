#!/usr/bin/env bash
# Start-up and check-set time of `infera verify` (the release binary), against redis-server's own start-up
# measured in the same run. Prints medians of N rounds (default 9).
#   serving: time from launching `infera verify -- CMD` to CMD running (the engine is serving before
#            CMD starts; CMD pings it to prove it) — target < 50 ms.
#   checks:  wall time of `infera verify` with the whole default check set — target < 2 s.
#   reference: redis-server from launch to answering PING (polled every 1 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-9}
# BUILD=release (default): the binary people download, built by scripts/release.sh (static Swift runtime and
# Foundation, in .build-release, shared with the release script). BUILD=debug: the debug binary (quicker to
# build, slower to run). BIN=/path/to/infera: an already built binary.
BUILD=${BUILD:-release}
if [ -n "${BIN:-}" ]; then
  bin=$BIN
elif [ "$BUILD" = release ]; then
  if [ -z "${SKIP_BUILD:-}" ] || [ ! -x .build-release/release/infera ]; then
    scripts/release.sh >/tmp/infera-bench-verify-release.log 2>&1 || { cat /tmp/infera-bench-verify-release.log >&2; exit 1; }
  fi
  bin=.build-release/release/infera
else
  swift build -c "$BUILD" --product infera 2>&1 | tail -n 1
  bin="$(swift build -c "$BUILD" --show-bin-path)/infera"
fi
echo "binary: $bin ($BUILD)"
work=$(mktemp -d /tmp/infera-bench-verify.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/infera.yaml" <<'YAML'
project_name: bench
provider: gcp
region: us-central1
environment: production
cache:
  type: redis
  provider: memorystore
  instance:
    memory_size_gb: 1
    tier: BASIC
  version: "REDIS_7_0"
  security:
    auth_enabled: true
    transit_encryption: true
YAML
python3 - "$bin" "$work" "$N" <<'PY'
import os, socket, statistics, subprocess, sys, time
bin, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
yaml = os.path.join(work, "infera.yaml")
stamp = os.path.join(work, "stamp")
def serving():
    t0 = time.time_ns()
    # The child records when it started, then proves the engine answers (TLS + AUTH) with redis-cli.
    child = f'date +%s%N > {stamp}; redis-cli --tls --cacert "$REDIS_CA_CERT" -u "${{REDIS_URL/:\/\/:/:\/\/default:}}" --no-auth-warning PING | grep -q PONG'
    r = subprocess.run([bin, "verify", "-f", yaml, "--checks", "none", "--", "bash", "-c", child], capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    return (int(open(stamp).read()) - t0) / 1e6
def checks():
    t0 = time.perf_counter()
    r = subprocess.run([bin, "verify", "-f", yaml], capture_output=True)
    assert r.returncode == 0, r.stdout.decode()
    return (time.perf_counter() - t0) * 1000
def redis_server():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    t0 = time.time_ns()
    p = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(5000):
            try:
                c = socket.create_connection(("127.0.0.1", port), timeout=0.05)
                c.sendall(b"PING\r\n"); ok = c.recv(16).startswith(b"+PONG"); c.close()
                if ok: return (time.time_ns() - t0) / 1e6
            except OSError:
                time.sleep(0.001)
        raise SystemExit("redis-server did not start")
    finally:
        p.terminate(); p.wait()
a = [serving() for _ in range(n)]
b = [redis_server() for _ in range(n)]
c = [checks() for _ in range(n)]
ma, mb, mc = statistics.median(a), statistics.median(b), statistics.median(c)
print(f"infera verify: engine serving, command started  median {ma:6.1f} ms (target < 50)  [{min(a):.1f}–{max(a):.1f}]")
print(f"redis-server: launch → PONG (reference)          median {mb:6.1f} ms  [{min(b):.1f}–{max(b):.1f}]   ratio {ma/mb:.2f}×")
print(f"infera verify: whole default check set (14)       median {mc:6.1f} ms (target < 2000)  [{min(c):.1f}–{max(c):.1f}]")
PY
