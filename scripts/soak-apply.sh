#!/usr/bin/env bash
# Soak test of `infera apply` against the local Upstash fake with 30% injected faults (5xx, 429 +
# Retry-After, connection resets before/after the change, responses slower than the timeout).
# Each run: a fresh deployment, `infera apply --auto-approve` repeated until it succeeds (at most
# 12 times); every third run is first killed with kill -9 while its create is in flight. A run
# counts as converged when exactly one database exists with the right settings and one more apply
# reports no changes. Prints the tally; exits 1 if any run did not converge.
# Usage: scripts/soak-apply.sh [runs=100] [fault-rate=0.3]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
rate=${2:-0.3}
py=python3; [ -x .venv/bin/python ] && py=.venv/bin/python
bin=${INFERA_BIN:-}
if [ -z "$bin" ]; then
  swift build --product infera 2>&1 | tail -n 1
  bin="$(swift build --show-bin-path)/infera"
fi
work=$(mktemp -d /tmp/infera-soak.XXXXXX)
fake_pid=""
cleanup() {
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkfifo "$work/hold"
"$py" Tests/Fakes/upstash_fake.py --port 0 --fault-rate "$rate" --slow 0.8 <"$work/hold" >"$work/fake.out" 2>"$work/fake.err" &
fake_pid=$!
exec 3>"$work/hold"   # keeps the fake's stdin open; it exits when this script does
for _ in $(seq 1 100); do grep -q PORT= "$work/fake.out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's/PORT=//p' "$work/fake.out")
[ -n "$port" ] || { echo "the fake did not start: $(cat "$work/fake.err")"; exit 1; }
admin() { curl -sf -X "$1" "http://127.0.0.1:$port/__fake/$2" ${3:+-d "$3"}; }

export INFERA_UPSTASH_API_URL="http://127.0.0.1:$port" UPSTASH_EMAIL=dev@example.com UPSTASH_API_KEY=fake-api-key-0000
export INFERA_RETRY_BASE_DELAY=0.01 INFERA_HTTP_TIMEOUT=0.5 NO_COLOR=1
unset CI

injected_total=0; violations_total=0
converged=0; duplicates=0; wrong=0; failed=0; attempts_total=0; killed=0; max_attempts=0
start=$(date +%s.%N)
for i in $(seq 1 "$runs"); do
  if (( i > 1 )); then
    injected_total=$((injected_total + $(admin GET stats | "$py" -c 'import json,sys; print(sum(json.load(sys.stdin)["faults"].values()))')))
    viol=$(admin GET stats | "$py" -c 'import json,sys; print(len(json.load(sys.stdin)["violations"]))')
    [ "$viol" = 0 ] || { echo "run $((i - 1)): OpenAPI violations: $(admin GET stats)"; violations_total=$((violations_total + viol)); }
  fi
  admin POST reset '{}' >/dev/null
  admin POST config "{\"seed\": $i, \"fault_rate\": $rate, \"mode\": \"\"}" >/dev/null
  dir="$work/run$i"; mkdir -p "$dir"
  cat >"$dir/infera.yaml" <<YAML
project_name: soak$i
provider: upstash
region: us-east-1
environment: staging
cache:
  type: redis
  provider: upstash
  read_regions: [eu-west-1, ap-south-1]
  tls: true
  eviction: false
  plan: payg
  budget: 40
YAML
  if (( i % 3 == 0 )); then
    admin POST config '{"mode": "slow_create", "slow": 2}' >/dev/null
    (cd "$dir" && exec "$bin" apply --auto-approve >/dev/null 2>&1) &
    apid=$!
    for _ in $(seq 1 200); do
      c=$(admin GET stats | "$py" -c 'import json,sys; print(json.load(sys.stdin)["creates"])')
      [ "$c" -ge 1 ] && break; sleep 0.02
    done
    kill -9 "$apid" 2>/dev/null || true; wait "$apid" 2>/dev/null || true
    killed=$((killed + 1))
    admin POST config "{\"mode\": \"\", \"slow\": 0.8}" >/dev/null
  fi
  ok=0; n=0
  while (( n < 12 )); do
    n=$((n + 1))
    if (cd "$dir" && "$bin" apply --auto-approve >"$dir/out" 2>"$dir/err"); then ok=1; break; fi
    grep -q "hint:" "$dir/err" || { echo "run $i: failure without a hint: $(cat "$dir/err")"; }
  done
  attempts_total=$((attempts_total + n)); (( n > max_attempts )) && max_attempts=$n
  admin POST config '{"fault_rate": 0}' >/dev/null
  verdict=$(admin GET state | "$py" -c '
import json, sys
dbs = [d for d in json.load(sys.stdin) if d["database_name"] == sys.argv[1]]
if len(dbs) != 1: print("dup" if len(dbs) > 1 else "none"); sys.exit()
d = dbs[0]
print("ok" if (d["budget"], d["eviction"], d["read_regions"]) == (40, False, ["ap-south-1", "eu-west-1"]) else "wrong")
' "soak$i-redis")
  noop=$(cd "$dir" && "$bin" apply --auto-approve 2>&1 | grep -c "Resources: 0 added, 0 changed, 0 destroyed" || true)
  if [ "$ok" = 1 ] && [ "$verdict" = ok ] && [ "$noop" = 1 ]; then converged=$((converged + 1))
  else
    failed=$((failed + 1))
    [ "$verdict" = dup ] && duplicates=$((duplicates + 1))
    [ "$verdict" = wrong ] && wrong=$((wrong + 1))
    echo "run $i: did not converge (applied=$ok, state=$verdict, noop=$noop): $(tail -n 2 "$dir/err" 2>/dev/null)"
  fi
done
end=$(date +%s.%N)
injected_total=$((injected_total + $(admin GET stats | "$py" -c 'import json,sys; print(sum(json.load(sys.stdin)["faults"].values()))')))
faults=$(admin GET stats | "$py" -c 'import json,sys; s=json.load(sys.stdin); print(s["violations"] and "VIOLATIONS: %s" % s["violations"] or "none")')
echo "soak-apply: $runs runs at fault rate $rate ($killed killed with kill -9 mid-create)"
echo "  converged:        $converged/$runs"
echo "  duplicates:       $duplicates"
echo "  wrong settings:   $wrong"
echo "  not converged:    $failed"
echo "  applies per run:  $(awk -v a="$attempts_total" -v r="$runs" 'BEGIN { printf "%.2f", a / r }') (max $max_attempts)"
echo "  faults injected:  $injected_total"
echo "  OpenAPI violations: $faults (earlier runs: $violations_total)"
echo "  wall time:        $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f s", e - s }')"
[ "$failed" = 0 ] && [ "$faults" = none ] && [ "$violations_total" = 0 ]
