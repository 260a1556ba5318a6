#!/usr/bin/env bash
# `make demo`: the main flow on the examples, ending with the embedded engine.
#   detect an app -> init infera.yaml -> validate -> plan (Terraform, cost, checks) for each provider
#   -> run the bundled engine and talk to it with redis-cli.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }; else step() { printf '\n== %s\n' "$*"; }; fi

step "build"
swift build --product infera 2>&1 | tail -n 1
bin="$(swift build --show-bin-path)/infera"
work=$(mktemp -d /tmp/infera-demo.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step "infera detect Examples/apps/node-express-ioredis"
"$bin" detect --no-color Examples/apps/node-express-ioredis || true   # exit 2 = findings to act on

step "infera init (into a copy of the app), then infera validate"
cp -r Examples/apps/node-express-ioredis "$work/app"
"$bin" init "$work/app" --provider gcp
"$bin" validate -f "$work/app/infera.yaml"

for example in gcp-memorystore aws-elasticache upstash; do
  step "infera validate + plan: Examples/$example"
  "$bin" validate -f "Examples/$example/infera.yaml"
  "$bin" plan --no-color -f "Examples/$example/infera.yaml" --out "$work/infra-$example"
  echo "generated: $(cd "$work/infra-$example" && ls | tr '\n' ' ')"
done

# infera apply is being built on another branch; until it lands with --dry-run, verify is the dry run.
step "infera verify: the planned Memorystore deployment rehearsed on the bundled engine"
"$bin" verify --no-color -f Examples/gcp-memorystore/infera.yaml || true

step "infera verify -- an example app's test command (python-keyspace-notifier, Memorystore profile)"
cp -r Examples/apps/python-keyspace-notifier "$work/notifier"
cp Examples/gcp-memorystore/infera.yaml "$work/notifier/infera.yaml"
"$bin" verify --no-color -f "$work/notifier/infera.yaml" --checks none --fail-on incompatible \
  -- .venv/bin/python "$work/notifier/tests/smoke.py" || echo "(exit $?: the app sent a command Memorystore blocks)"

step "infera server: the bundled Redis-compatible engine"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$bin" server --port "$port" --requirepass demo-secret >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do redis-cli -p "$port" --no-auth-warning -a demo-secret ping >/dev/null 2>&1 && break; sleep 0.1; done
cli() { echo "redis> $*"; redis-cli -p "$port" --no-auth-warning -a demo-secret "$@"; }
cli set session:42 alice EX 3600
cli get session:42
cli ttl session:42
cli incr page:views
cli hset user:1 name alice plan pro
cli hgetall user:1
echo "redis> PING (no password)"; redis-cli -p "$port" ping || true
redis-benchmark -p "$port" -a demo-secret -q -n 20000 -c 20 -t set,get 2>/dev/null | tr '\r' '\n' | grep -v '^$' | tail -n 2
redis-cli -p "$port" --no-auth-warning -a demo-secret shutdown nosave >/dev/null 2>&1 || true
wait "$server_pid" 2>/dev/null || true
server_pid=""
head -n 5 "$work/server.log"

step "done"
echo "Next: infera detect <your repo>, infera init, infera plan. See README.md."
