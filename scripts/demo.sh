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

step "infera apply: AWS ElastiCache against the LOCAL AWS EMULATOR (Tests/Fakes/aws_fake.py on 127.0.0.1, not real AWS)"
fake_fifo="$work/aws-fake.stdin"; mkfifo "$fake_fifo"
python=".venv/bin/python"; [ -x "$python" ] || python=python3
"$python" Tests/Fakes/aws_fake.py --port 0 --transition-polls 3 <"$fake_fifo" >"$work/aws-fake.out" 2>&1 &
fake_pid=$!
exec 9>"$fake_fifo"   # the fake exits when this closes (at the end of the script)
for _ in $(seq 1 100); do grep -q '^PORT=' "$work/aws-fake.out" 2>/dev/null && break; sleep 0.1; done
fake_port=$(sed -n 's/^PORT=//p' "$work/aws-fake.out")
mkdir -p "$work/aws" && sed -e 's/^environment: production/environment: staging/' -e '/^aws:/,/^$/d' \
  -e 's/vpc_id: vpc-0a1b2c3d4e5f60718/vpc_id: vpc-0fa1e000000000001/' \
  -e 's/subnet-0123456789abcdef0/subnet-0a1b2c3d4e5f60001/' -e 's/subnet-0fedcba9876543210/subnet-0a1b2c3d4e5f60002/' \
  Examples/aws-elasticache/infera.yaml >"$work/aws/infera.yaml"
(
  cd "$work/aws"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$fake_port" AWS_ACCESS_KEY_ID=AKIDINFERATEST \
         AWS_SECRET_ACCESS_KEY=infera/test/secret/key/0000000000000000 AWS_EC2_METADATA_DISABLED=true INFERA_AWS_POLL_INTERVAL=0.5
  "$bin" apply --auto-approve --no-color 2>&1 | grep -v '^  [+~ ] .*\.tf' || true
  "$bin" status --no-color || true
  "$bin" output --no-color || true
  "$bin" destroy --auto-approve --no-color --final-snapshot orders-api-demo-final | tail -n 4 || true
)
exec 9>&-
wait "$fake_pid" 2>/dev/null || true

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
