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
fake_pid=""
gcp_pid=""
cleanup() {
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  if [ -n "$gcp_pid" ]; then kill "$gcp_pid" 2>/dev/null || true; wait "$gcp_pid" 2>/dev/null || true; fi
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

step "infera apply / status / output / destroy against a LOCAL FAKE Upstash API (not the real service)"
# Tests/Fakes/upstash_fake.py: a strict local stand-in for api.upstash.com on 127.0.0.1 that validates
# every request against Upstash's OpenAPI document. Started here, stopped at the end of this step.
py=python3; [ -x .venv/bin/python ] && py=.venv/bin/python
mkfifo "$work/fake-hold"
FAKE_UPSTASH_EMAIL=demo@example.com FAKE_UPSTASH_API_KEY=demo-key-not-real "$py" Tests/Fakes/upstash_fake.py --port 0 <"$work/fake-hold" >"$work/fake.out" 2>&1 &
fake_pid=$!
exec 4>"$work/fake-hold"
for _ in $(seq 1 100); do grep -q PORT= "$work/fake.out" 2>/dev/null && break; sleep 0.05; done
fake_port=$(sed -n 's/PORT=//p' "$work/fake.out")
echo "local fake Upstash API on http://127.0.0.1:$fake_port (pid $fake_pid)"
mkdir -p "$work/upstash"
sed 's/^environment: production/environment: staging/' Examples/upstash/infera.yaml >"$work/upstash/infera.yaml"
(
  cd "$work/upstash"
  export INFERA_UPSTASH_API_URL="http://127.0.0.1:$fake_port" UPSTASH_EMAIL=demo@example.com UPSTASH_API_KEY=demo-key-not-real
  unset CI
  echo "\$ infera apply --auto-approve"; "$bin" apply --auto-approve --no-color | awk '/infera will perform/ { p = 1 } /^Estimated monthly cost/ { p = 0 } p; /^upstash_redis|Apply complete/ { print } /^Outputs:/ { o = 1 } o'
  echo; echo "\$ infera status"; "$bin" status
  echo; echo "\$ infera output"; "$bin" output
  echo; echo "\$ infera apply --auto-approve   # again: nothing to do"; "$bin" apply --auto-approve --no-color | grep "Apply complete"
  echo; echo "\$ infera destroy --auto-approve"; "$bin" destroy --auto-approve --no-color | grep -E "^upstash_redis|Destroy complete"
)
exec 4>&-
kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true
fake_pid=""
echo "local fake stopped"

step "infera apply / status / destroy for GCP Memorystore against a LOCAL FAKE of Google's APIs (not the real service)"
# Tests/Fakes/gcp_fake.py: a strict local stand-in for redis.googleapis.com, secretmanager.googleapis.com,
# serviceusage and the OAuth token endpoint on 127.0.0.1; every body is checked against Google's discovery
# documents, operations finish after a few polls. Credentials: the throwaway test service-account key.
mkfifo "$work/gcp-hold"
"$py" Tests/Fakes/gcp_fake.py --port 0 --polls 3 \
  --service-account "infera-test@infera-test-project.iam.gserviceaccount.com,0123456789abcdef0123456789abcdef01234567,Tests/Fixtures/reference/gcp-sa-jwt-example/fake-service-account.pub.pem" \
  <"$work/gcp-hold" >"$work/gcp-fake.out" 2>&1 &
gcp_pid=$!
exec 5>"$work/gcp-hold"
for _ in $(seq 1 100); do grep -q PORT= "$work/gcp-fake.out" 2>/dev/null && break; sleep 0.05; done
gcp_port=$(sed -n 's/PORT=//p' "$work/gcp-fake.out")
echo "local fake Google APIs on http://127.0.0.1:$gcp_port (pid $gcp_pid)"
mkdir -p "$work/gcp"
sed "s#https://oauth2.googleapis.com/token#http://127.0.0.1:$gcp_port/token#" Tests/Fixtures/reference/gcp-sa-jwt-example/fake-service-account.json >"$work/gcp/key.json"
chmod 600 "$work/gcp/key.json"
sed -e 's/^environment: production/environment: staging/' -e 's/^project_name: my-api/project_name: shop/' Examples/gcp-memorystore/infera.yaml >"$work/gcp/infera.yaml"
mkdir -p "$work/gcp-cluster"
sed -e 's/^environment: production/environment: staging/' -e 's/feed-prod-123/infera-test-project/' Examples/gcp-memorystore-cluster/infera.yaml >"$work/gcp-cluster/infera.yaml"
(
  cd "$work/gcp"
  b="http://127.0.0.1:$gcp_port/"
  export GOOGLE_APPLICATION_CREDENTIALS="$work/gcp/key.json" GOOGLE_CLOUD_PROJECT=infera-test-project INFERA_POLL_INTERVAL=0.2 \
    CLOUDSDK_API_ENDPOINT_OVERRIDES_REDIS="$b" CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER="$b" CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICEUSAGE="$b" \
    CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE="${b}compute/v1/" CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICENETWORKING="$b"
  unset CI
  echo "\$ infera apply --auto-approve"; "$bin" apply --auto-approve --no-color 2>/dev/null | awk '/^Observed state/ { print } /^google_|Apply complete/ { print } /^Outputs:/ { o = 1 } o'
  echo; echo "\$ infera status"; "$bin" status 2>/dev/null
  sed -i 's/memory_size_gb: 5/memory_size_gb: 6/' infera.yaml
  echo; echo "\$ infera apply --auto-approve   # memory_size_gb 5 -> 6: PATCH ?updateMask=memorySizeGb"; "$bin" apply --auto-approve --no-color 2>/dev/null | grep -E "memory_size_gb|^google_redis|Apply complete"
  echo; echo "\$ infera destroy --auto-approve"; "$bin" destroy --auto-approve --no-color 2>/dev/null | grep -E "^google_redis|Destroy complete"
  # Private services access: the reserved range and the servicenetworking connection, created over REST.
  sed -i -e 's/^project_name: shop/project_name: shop-psa/' -e 's/^    vpc_connector: true/    vpc_connector: true\n    connect_mode: PRIVATE_SERVICE_ACCESS/' infera.yaml
  echo; echo "\$ infera apply --auto-approve   # connect_mode: PRIVATE_SERVICE_ACCESS"
  "$bin" apply --auto-approve --no-color 2>/dev/null | grep -E "^google_(compute|service_networking|redis)|Apply complete"
  echo; echo "\$ infera destroy --auto-approve"; "$bin" destroy --auto-approve --no-color 2>/dev/null | grep -E "^google_(compute|service_networking|redis)|Destroy complete"
  # Memorystore for Redis Cluster (cache.mode: cluster): the service connection policy, the cluster, resharding 3 -> 5.
  cd "$work/gcp-cluster"
  export CLOUDSDK_API_ENDPOINT_OVERRIDES_NETWORKCONNECTIVITY="${b}networkconnectivity/"
  echo; echo "\$ infera apply --auto-approve   # Examples/gcp-memorystore-cluster: cache.mode: cluster"
  "$bin" apply --auto-approve --no-color 2>/dev/null | awk '/^google_(network|redis)|Apply complete/ { print } /^Outputs:/ { o = 1 } o'
  sed -i 's/shards: 3 /shards: 5 /' infera.yaml
  echo; echo "\$ infera apply --auto-approve   # shards 3 -> 5: online resharding, PATCH ?updateMask=shardCount"
  "$bin" apply --auto-approve --no-color 2>/dev/null | grep -E "shard_count|resharding|^google_redis|Apply complete"
  echo; echo "\$ infera status"; "$bin" status 2>/dev/null | sed -n '/^google_redis_cluster/,/^$/p'
  echo; echo "\$ infera destroy --auto-approve"; "$bin" destroy --auto-approve --no-color 2>/dev/null | grep -E "^google_(network|redis)|Destroy complete"
)
exec 5>&-
kill "$gcp_pid" 2>/dev/null || true; wait "$gcp_pid" 2>/dev/null || true
gcp_pid=""
echo "local fake stopped"
step "infera apply: AWS ElastiCache against the LOCAL AWS EMULATOR (Tests/Fakes/aws_fake.py on 127.0.0.1, not real AWS)"
fake_fifo="$work/aws-fake.stdin"; mkfifo "$fake_fifo"
python=".venv/bin/python"; [ -x "$python" ] || python=python3
"$python" Tests/Fakes/aws_fake.py --port 0 --transition-polls 3 <"$fake_fifo" >"$work/aws-fake.out" 2>&1 &
fake_pid=$!
exec 9>"$fake_fifo"   # the fake exits when this closes (at the end of the script)
for _ in $(seq 1 100); do grep -q '^PORT=' "$work/aws-fake.out" 2>/dev/null && break; sleep 0.1; done
fake_port=$(sed -n 's/^PORT=//p' "$work/aws-fake.out")
mkdir -p "$work/aws" && sed -e 's/^environment: production/environment: staging/' \
  -e 's/vpc_id: vpc-0a1b2c3d4e5f60718/vpc_id: vpc-0fa1e000000000001/' \
  -e 's/subnet-0123456789abcdef0/subnet-0a1b2c3d4e5f60001/' -e 's/subnet-0fedcba9876543210/subnet-0a1b2c3d4e5f60002/' \
  Examples/aws-elasticache/infera.yaml >"$work/aws/infera.yaml"
(
  cd "$work/aws"
  # infera.yaml names `aws.profile: orders-prod`: the emulator's test key lives in that profile of a local config file.
  printf '[profile orders-prod]\naws_access_key_id = AKIDINFERATEST\naws_secret_access_key = infera/test/secret/key/0000000000000000\n' >aws-config
  export AWS_ENDPOINT_URL="http://127.0.0.1:$fake_port" AWS_CONFIG_FILE="$PWD/aws-config" AWS_SHARED_CREDENTIALS_FILE="$PWD/none" \
         AWS_EC2_METADATA_DISABLED=true INFERA_AWS_POLL_INTERVAL=0.5
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE
  "$bin" apply --auto-approve --no-color 2>&1 | grep -v '^  [+~ ] .*\.tf' || true
  echo; echo "\$ (node_type: cache.r7g.large -> cache.r7g.xlarge) infera apply --auto-approve"
  sed -i 's/node_type: cache.r7g.large/node_type: cache.r7g.xlarge/' infera.yaml
  "$bin" apply --auto-approve --no-color 2>&1 | grep -E "will be updated|node_type|apply_immediately|^Plan:|Modif|Apply complete" || true
  "$bin" status --no-color || true
  "$bin" output --no-color || true
  "$bin" destroy --auto-approve --no-color --final-snapshot orders-api-demo-final | tail -n 4 || true
)
# The same emulator, ElastiCache with cluster mode enabled (Examples/aws-elasticache-cluster): create, reshard 3 -> 4.
mkdir -p "$work/aws-cluster" && sed -e 's/^environment: production/environment: staging/' \
  Examples/aws-elasticache-cluster/infera.yaml >"$work/aws-cluster/infera.yaml"
(
  cd "$work/aws-cluster"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$fake_port" AWS_ACCESS_KEY_ID=AKIDINFERATEST AWS_SECRET_ACCESS_KEY=infera/test/secret/key/0000000000000000 \
         AWS_CONFIG_FILE="$PWD/none" AWS_SHARED_CREDENTIALS_FILE="$PWD/none" AWS_EC2_METADATA_DISABLED=true INFERA_AWS_POLL_INTERVAL=0.5
  unset AWS_SESSION_TOKEN AWS_PROFILE
  echo; echo "\$ infera apply --auto-approve   # Examples/aws-elasticache-cluster: cache.mode: cluster, 3 shards x (1 + 1 replica)"
  "$bin" apply --auto-approve --no-color 2>&1 | grep -E "^Plan:|replication_group.*(Creat|complete)|Apply complete" || true
  echo; echo "\$ (shards: 3 -> 4) infera apply --auto-approve"
  sed -i 's/shards: 3 /shards: 4 /' infera.yaml
  "$bin" apply --auto-approve --no-color 2>&1 | grep -E "will be updated|resharding|num_node_groups|^Plan:|Modif|Apply complete" || true
  "$bin" output --no-color || true
  "$bin" destroy --auto-approve --no-color | tail -n 1 || true
)
exec 9>&-
wait "$fake_pid" 2>/dev/null || true
step "infera apply --dry-run: the planned Memorystore deployment, planned offline and rehearsed on the bundled engine"
"$bin" apply --dry-run --no-color -f Examples/gcp-memorystore/infera.yaml || true

step "infera verify -- an example app's test command (python-keyspace-notifier, Memorystore profile)"
cp -r Examples/apps/python-keyspace-notifier "$work/notifier"
cp Examples/gcp-memorystore/infera.yaml "$work/notifier/infera.yaml"
"$bin" verify --no-color -f "$work/notifier/infera.yaml" --checks none --fail-on incompatible \
  -- .venv/bin/python "$work/notifier/tests/smoke.py" || echo "(exit $?: the app sent a command Memorystore blocks)"

if command -v node >/dev/null 2>&1; then
  step "infera verify -- node: the Node example (built-in net/tls client) against Upstash, which does not offer SORT"
  cp -r Examples/verify-apps/node-orders "$work/node-orders"
  cp Examples/upstash/infera.yaml "$work/node-orders/infera.yaml"
  "$bin" verify --no-color -f "$work/node-orders/infera.yaml" --checks none --fail-on incompatible \
    -- node "$work/node-orders/test/smoke.js" || echo "(exit $?: the app sent a command Upstash does not offer)"
else
  step "infera verify -- node: skipped, node is not installed"
fi

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
