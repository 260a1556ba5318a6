#!/usr/bin/env bash
# Start-up and check-set time of `infera verify` (the release binary), against redis-server started and
# PINGed the same way in the same run. Prints medians of N rounds (default 15), interleaved (one infera
# round, one redis-server round, …) so both see the same machine load.
#   serving:   from exec of `infera verify --checks none -- CMD` to the first successful PING (TLS verified
#              against the run's CA, AUTH with the run's password → +PONG) on the port the run announces
#              ("verify: engine ready on rediss://***@127.0.0.1:PORT" on stderr). The password and CA file
#              reach the script the way they reach an application: CMD prints $REDIS_URL and $REDIS_CA_CERT.
#              Target < 50 ms.
#   announced: from exec to the "engine ready" line arriving (the engine is listening by then).
#   reference: redis-server 7.0 with the same TLS (a P-256 certificate) and requirepass, from exec to the
#              first successful AUTH + PING, polled every 1 ms on the port it was given.
#   checks:    wall time of `infera verify` with the whole default check set (default config) — target < 2 s
#              (SKIP_CHECKS=1 leaves it out, e.g. to compare start-up with an older binary).
#   COMPARE=/path/to/other/infera: the same first-PONG measure for another binary, interleaved in the same rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-15}
# BUILD=release (default): the binary people download, built by scripts/release.sh (static Swift runtime and
# Foundation, in ${RELEASE_BUILD_PATH:-.build-release}, shared with the release script). BUILD=debug: the debug
# binary (quicker to build, slower to run). BIN=/path/to/infera: an already built binary.
BUILD=${BUILD:-release}
if [ -n "${BIN:-}" ]; then
  bin=$BIN
elif [ "$BUILD" = release ]; then
  rel="${RELEASE_BUILD_PATH:-.build-release}"
  if [ -z "${SKIP_BUILD:-}" ] || [ ! -x "$rel/release/infera" ]; then
    scripts/release.sh >/tmp/infera-bench-verify-release.log 2>&1 || { cat /tmp/infera-bench-verify-release.log >&2; exit 1; }
  fi
  bin="$rel/release/infera"
else
  swift build -c "$BUILD" --product infera 2>&1 | tail -n 1
  bin="$(swift build -c "$BUILD" --show-bin-path)/infera"
fi
command -v redis-server >/dev/null || { echo "bench-verify: redis-server is not installed (apt-get install redis-server): it is the reference" >&2; exit 1; }
command -v openssl >/dev/null || { echo "bench-verify: openssl is needed for redis-server's certificate" >&2; exit 1; }
echo "binary: $bin ($BUILD); N=$N; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
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
# redis-server's TLS material: a P-256 certificate for 127.0.0.1, like the one verify generates.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/redis-key.pem" \
  -out "$work/redis-cert.pem" -days 1 -subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
python3 - "$bin" "$work" "$N" <<'PY'
import os, re, secrets, socket, ssl, statistics, subprocess, sys, time
bin, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
yaml = os.path.join(work, "infera.yaml")
ANNOUNCE = re.compile(rb"engine ready on rediss?://\S*127\.0\.0\.1:(\d+)")
TRACE = re.compile(rb"verify: trace (\S+) (\d+)")   # INFERA_VERIFY_TRACE=1: phase, CLOCK_MONOTONIC µs
phases = {}

def cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out

def ping(port, password, ctx, user=None):
    """One TLS connection (certificate verified), AUTH, PING. True on +PONG; False when not (yet) serving."""
    try:
        raw = socket.create_connection(("127.0.0.1", port), timeout=1)
        # Like hiredis/redis-cli, redis-py, node-redis, go-redis and Jedis. Without it the engine's first
        # reply over TLS waits ~40 ms (Nagle on the client's write after its Finished, delayed ACK on the
        # engine's side); redis-server does not show that wait (docs/verify.md, "Start-up").
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        return False
    try:
        s = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        s.sendall(cmd(*(["AUTH", user, password] if user else ["AUTH", password])) + cmd("PING"))
        buf = b""
        deadline = time.monotonic() + 2
        while b"+PONG\r\n" not in buf and time.monotonic() < deadline:
            chunk = s.recv(256)
            if not chunk: break
            buf += chunk
            if buf.startswith(b"-"): raise SystemExit(f"AUTH refused: {buf[:80]!r}")
        s.close()
        return b"+PONG\r\n" in buf
    except (OSError, ssl.SSLError):
        raw.close()
        return False

def poll(port, password, ctx, user=None, limit_s=5):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if ping(port, password, ctx, user): return time.monotonic_ns()
        time.sleep(0.001)
    raise SystemExit(f"no PONG on port {port} within {limit_s} s")

def infera_round(bin=bin, trace=True):
    """exec → announcement → first PONG with the run's password and CA, on the announced port."""
    child = 'printf "url %s\\nca %s\\n" "$REDIS_URL" "$REDIS_CA_CERT"; read _ || :'
    t0 = time.monotonic_ns()
    p = subprocess.Popen([bin, "verify", "-f", yaml, "--checks", "none", "--", "sh", "-c", child],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=dict(os.environ, INFERA_VERIFY_TRACE="1"))
    try:
        port = None
        for _ in range(200):
            line = p.stderr.readline()
            if not line: break
            t = TRACE.match(line)
            if t and trace: phases.setdefault(t.group(1).decode(), []).append((int(t.group(2)) * 1000 - t0) / 1e6)
            m = ANNOUNCE.search(line)
            if m:
                port, t_announce = int(m.group(1)), time.monotonic_ns()
                break
        if port is None: raise SystemExit("verify did not announce its port on stderr")
        url = ca = None
        for _ in range(50):
            line = p.stdout.readline().decode().strip()
            if not line: break
            if line.startswith("url "): url = line[4:]
            if line.startswith("ca "): ca = line[3:]
            if url and ca: break
        m = re.match(r"rediss://(?:([^:@]*):([^@]*)@)?127\.0\.0\.1:(\d+)$", url or "")
        if not m or not ca: raise SystemExit(f"the command did not get REDIS_URL/REDIS_CA_CERT (url={'set' if url else 'unset'})")
        if int(m.group(3)) != port: raise SystemExit(f"REDIS_URL's port {m.group(3)} is not the announced {port}")
        ctx = ssl.create_default_context(cafile=ca)
        t_pong = poll(port, m.group(2), ctx, m.group(1) or None)
    finally:
        p.stdin.close()
        out, err = p.stdout.read(), p.stderr.read()
        tail = out + err
        for line in err.splitlines():
            t = TRACE.match(line)
            if t and trace: phases.setdefault(t.group(1).decode(), []).append((int(t.group(2)) * 1000 - t0) / 1e6)
        p.wait(timeout=30)
    if p.returncode != 0: raise SystemExit(f"infera verify exited {p.returncode}: {tail.decode()[-600:]}")
    return (t_announce - t0) / 1e6, (t_pong - t0) / 1e6

def redis_round():
    """redis-server with the same TLS + requirepass: exec → first PONG (polled every 1 ms)."""
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    pw = secrets.token_hex(24)
    t0 = time.monotonic_ns()
    p = subprocess.Popen(["redis-server", "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1",
                          "--tls-cert-file", f"{work}/redis-cert.pem", "--tls-key-file", f"{work}/redis-key.pem",
                          "--tls-ca-cert-file", f"{work}/redis-cert.pem", "--tls-auth-clients", "no",
                          "--requirepass", pw, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        ctx = ssl.create_default_context(cafile=f"{work}/redis-cert.pem")
        return (poll(port, pw, ctx) - t0) / 1e6
    finally:
        p.terminate(); p.wait(timeout=30)

def checks_round():
    t0 = time.perf_counter()
    r = subprocess.run([bin, "verify", "-f", yaml], capture_output=True)
    if r.returncode != 0: raise SystemExit("a check failed:\n" + r.stdout.decode())
    return (time.perf_counter() - t0) * 1000, sum(1 for l in r.stdout.decode().splitlines() if re.match(r"\s*(PASS|SKIP)\b", l))

infera_round(); redis_round(); phases.clear()   # warm the page cache for both binaries
ann, pong, ref = [], [], []
old = os.environ.get("COMPARE")   # another infera binary (e.g. before a change), measured interleaved
old_pong = []
if old: infera_round(old, False)
for _ in range(n):
    a, b = infera_round(); ann.append(a); pong.append(b)
    ref.append(redis_round())
    if old: old_pong.append(infera_round(old, False)[1])
chk = [] if os.environ.get("SKIP_CHECKS") else [checks_round() for _ in range(max(3, n // 3))]
ck = [c[0] for c in chk]
med = statistics.median
def rng(xs): return f"[{min(xs):.1f}–{max(xs):.1f}]"
print(f"infera verify: exec → first PONG (TLS + AUTH, announced port)  median {med(pong):6.1f} ms (target < 50)  {rng(pong)}")
print(f"infera verify: exec → 'engine ready' announced                median {med(ann):6.1f} ms  {rng(ann)}")
print(f"redis-server:  exec → first PONG (TLS + AUTH, reference)       median {med(ref):6.1f} ms  {rng(ref)}")
print(f"ratio infera / redis-server (first PONG): {med(pong) / med(ref):.2f}×")
if old: print(f"COMPARE={old}: exec → first PONG  median {med(old_pong):6.1f} ms  {rng(old_pong)}  ({med(old_pong) / med(ref):.2f}× redis-server)")
if phases:
    print("  where the time went (medians from exec, ms; INFERA_VERIFY_TRACE=1): " +
          ", ".join(f"{k} {med(v):.1f}" for k, v in sorted(list(phases.items()) + [("announced", ann), ("PONG", pong)], key=lambda kv: med(kv[1]))))
if chk: print(f"infera verify: whole default check set ({chk[0][1]} checks, default config)  median {med(ck):6.1f} ms (target < 2000)  {rng(ck)}")
PY
