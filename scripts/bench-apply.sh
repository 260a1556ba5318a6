#!/usr/bin/env bash
# Median wall time of `infera plan` with live refresh against the local Upstash fake, and of
# `infera apply` on an unchanged deployment (a no-op), with hyperfine. Target: each < 150 ms.
# References measured in the same run: `infera plan --offline` (the same work without the
# provider round trips) and one `curl` of the same list call (the fake's own latency).
# Usage: scripts/bench-apply.sh [runs=30]   (BUILD=debug to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
conf=${BUILD:-release}
swift build -c "$conf" --product infera 2>&1 | tail -n 1
bin=$(swift build -c "$conf" --show-bin-path)/infera
py=python3; [ -x .venv/bin/python ] && py=.venv/bin/python
work=$(mktemp -d /tmp/infera-bench-apply.XXXXXX)
fake_pid=""
cleanup() {
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkfifo "$work/hold"
"$py" Tests/Fakes/upstash_fake.py --port 0 <"$work/hold" >"$work/fake.out" 2>&1 &
fake_pid=$!
exec 3>"$work/hold"
for _ in $(seq 1 100); do grep -q PORT= "$work/fake.out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's/PORT=//p' "$work/fake.out")
export INFERA_UPSTASH_API_URL="http://127.0.0.1:$port" UPSTASH_EMAIL=dev@example.com UPSTASH_API_KEY=fake-api-key-0000 NO_COLOR=1
unset CI
cp Examples/upstash/infera.yaml "$work/infera.yaml"
"$bin" apply -f "$work/infera.yaml" --auto-approve >/dev/null
"$bin" plan -f "$work/infera.yaml" --out "$work/infra" >/dev/null

hyperfine --warmup 3 --runs "$runs" -N --export-json "$work/r.json" \
  -n "plan (live refresh)" "$bin plan -f $work/infera.yaml --out $work/infra --no-color" \
  -n "apply (no-op)" "$bin apply -f $work/infera.yaml --auto-approve --no-color" \
  -n "reference: plan --offline" "$bin plan -f $work/infera.yaml --out $work/infra --no-color --offline" \
  -n "reference: curl list" "curl -sf -A infera/curl-reference -u dev@example.com:fake-api-key-0000 http://127.0.0.1:$port/v2/redis/databases -o /dev/null" >/dev/null
"$py" - "$work/r.json" <<'PY'
import json, sys
rs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ref = rs["reference: plan --offline"]["median"]
ok = True
for name, r in rs.items():
    m = r["median"] * 1000
    line = f"{name:<28} median {m:6.1f} ms  (mean {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} ms, {len(r['times'])} runs)  {r['median']/ref:4.2f}x plan --offline"
    if not name.startswith("reference"):
        good = m < 150
        ok &= good
        line += "  " + ("< 150 ms: ok" if good else ">= 150 ms: OVER TARGET")
    print(line)
sys.exit(0 if ok else 1)
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) core(s); build: $conf"
