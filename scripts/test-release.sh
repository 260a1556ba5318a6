#!/usr/bin/env bash
# scripts/test-release.sh [TARBALL] — runs `make demo`'s flow with the release binary inside a bare
# chroot holding only that binary, the shared libraries `ldd` lists for it, and the example files:
# no shell, no Swift toolchain, no compiler, no package manager. Each command's stdout and exit code
# (and the files plan/init write) must equal those of the debug build run on the same inputs, so the
# release build (static runtime, FoundationEssentials only, stripped) is shown not to change any output.
# Needs root (chroot).
#   scripts/release.sh && scripts/test-release.sh      # default: the newest dist/*-linux-<arch>.tar.gz
set -euo pipefail
cd "$(dirname "$0")/.."
# The chroot gets its own /proc (the Swift runtime reads /proc/self/exe, as in any container); a
# private mount namespace keeps that mount from outliving the script.
if [ -z "${INFERA_TEST_RELEASE_NS:-}" ] && [ "$(id -u)" = 0 ]; then
  INFERA_TEST_RELEASE_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
arch=$(uname -m); [ "$arch" = aarch64 ] && arch=arm64
tarball="${1:-$(ls -t dist/infera-*-linux-"$arch".tar.gz 2>/dev/null | head -n 1 || true)}"
[ -f "${tarball:-}" ] || { echo "test-release: no release tarball; run scripts/release.sh first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "test-release: needs root for chroot" >&2; exit 1; }
debug_bin="${DEBUG_BIN:-$(swift build --show-bin-path)/infera}"
[ -x "$debug_bin" ] || { echo "test-release: no debug build at $debug_bin (swift build)" >&2; exit 1; }

root=$(mktemp -d /tmp/infera-chroot.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  umount "$root/proc" 2>/dev/null || true
  mountpoint -q "$root/proc" 2>/dev/null || rm -rf "$root"
}
trap cleanup EXIT

echo "test-release: $tarball ($(stat -c %s "$tarball") bytes)"
(cd dist && sha256sum -c "$(basename "$tarball").sha256" >/dev/null) && echo "test-release: checksum OK"
tar -xzf "$tarball" -C "$root" --strip-components=1
mv "$root/infera" "$root/infera.bin" && mkdir -p "$root/bin" && mv "$root/infera.bin" "$root/bin/infera" && rm -f "$root/README.md"
# Only what the dynamic loader needs.
for lib in $(ldd "$root/bin/infera" | awk '/=>/ { print $3 } $1 ~ /^\// { print $1 }' | sort -u); do
  mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
done
mkdir -p "$root/tmp" "$root/dev" "$root/proc" && chmod 1777 "$root/tmp" && mknod -m 666 "$root/dev/null" c 1 3
mount -t proc proc "$root/proc"
cp -r Examples "$root/ex"
echo "test-release: chroot has $(find "$root" -xdev -type f | wc -l) files, $(du -shx "$root" | cut -f1): bin/infera, ex/ (examples) and $(cd "$root" && find . -xdev -type f \( -path './lib*' -o -path './usr*' \) | sort | tr '\n' ' ')"
for tool in sh bash swift swiftc clang cc gcc ld python3 apt-get dpkg; do
  if [ -n "$(find "$root" -xdev -name "$tool" -type f)" ]; then echo "test-release: FAIL: $tool is present in the chroot" >&2; exit 1; fi
done

pass=0; fail=0
# check NAME ARGS...: same stdout + stderr and exit code from the chroot release binary and the host debug
# binary, both run from the chroot's root directory with relative paths.
check() {
  local name="$1"; shift
  local want got want_code=0 got_code=0
  reset_outputs
  want=$(cd "$root" && NO_COLOR=1 "$debug_bin" "$@" 2>&1) || want_code=$?
  reset_outputs
  got=$(NO_COLOR=1 chroot "$root" /bin/infera "$@" 2>&1) || got_code=$?
  if [ "$want" == "$got" ] && [ "$want_code" = "$got_code" ] && [ -n "$got" ]; then
    pass=$((pass + 1)); printf '  ok    %-34s exit %s, %s lines\n' "$name" "$got_code" "$(printf '%s\n' "$got" | wc -l)"
  else
    fail=$((fail + 1)); printf '  FAIL  %-34s exit %s (debug %s)\n' "$name" "$got_code" "$want_code"
    diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -n 10 || true
  fi
}
# Plan output says which files it created or left unchanged: both runs start from no output directory.
reset_outputs() { rm -rf "$root"/tmp/plan-out-* "$root"/tmp/json-* "$root"/tmp/md-*; }
# Files written by a command: compare the tree the debug binary wrote with the one the release binary wrote.
check_files() {
  local name="$1" dir="$2"; shift 2
  rm -rf "$root/$dir" "$root/$dir.debug"
  (cd "$root" && NO_COLOR=1 "$debug_bin" "$@" >/dev/null 2>&1) || true
  [ -e "$root/$dir" ] && mv "$root/$dir" "$root/$dir.debug"
  NO_COLOR=1 chroot "$root" /bin/infera "$@" >/dev/null 2>&1 || true
  if [ -e "$root/$dir" ] && diff -r "$root/$dir.debug" "$root/$dir" >/dev/null; then
    pass=$((pass + 1)); printf '  ok    %-34s %s files identical\n' "$name" "$(find "$root/$dir" -type f | wc -l)"
  else
    fail=$((fail + 1)); printf '  FAIL  %-34s files differ or missing\n' "$name"
    diff -r "$root/$dir.debug" "$root/$dir" 2>&1 | head -n 10 || true
  fi
}

echo "test-release: the demo flow, release binary in the chroot vs the debug build"
got=$(chroot "$root" /bin/infera version --json)
echo "  version: $got"
case "$got" in *'"commit":null'*) echo "  FAIL  the release binary is not stamped"; fail=$((fail + 1)) ;; *) pass=$((pass + 1)) ;; esac
app=ex/apps/node-express-ioredis
check "detect (text)" detect --no-git "$app"
check "detect --format json" detect --no-git "$app" --format json
check "detect --format sarif" detect --no-git "$app" --format sarif
check "detect --format markdown" detect --no-git "$app" --format markdown
check "detect --format codequality" detect --no-git "$app" --format codequality
check "detect negative app" detect --no-git ex/apps/negative-docs-only
check "detect --fail-on warning (exit 2)" detect --no-git "$app" --fail-on warning
rm -rf "$root/tmp/app" && cp -r "$root/$app" "$root/tmp/app"
rm -f "$root/tmp/app/infera.yaml"
(cd "$root" && "$debug_bin" init tmp/app --provider gcp >/dev/null 2>&1) && mv "$root/tmp/app/infera.yaml" "$root/tmp/infera.yaml.debug"
if chroot "$root" /bin/infera init tmp/app --provider gcp >/dev/null 2>&1 && cmp -s "$root/tmp/app/infera.yaml" "$root/tmp/infera.yaml.debug"; then
  pass=$((pass + 1)); echo "  ok    init (gcp)                         infera.yaml identical"
else fail=$((fail + 1)); echo "  FAIL  init: infera.yaml differs or was not written"; fi
check "validate (init's infera.yaml)" validate -f tmp/app/infera.yaml
for example in gcp-memorystore aws-elasticache upstash; do
  check "validate $example" validate -f "ex/$example/infera.yaml"
  check "plan $example" plan --no-color -f "ex/$example/infera.yaml" --out "tmp/plan-out-$example"
  check_files "plan $example: Terraform files" "tmp/infra-$example" plan -f "ex/$example/infera.yaml" --out "tmp/infra-$example" --snippets node python go
  check "plan $example --format json" plan -f "ex/$example/infera.yaml" --out "tmp/json-$example" --format json
  check "plan $example --format markdown" plan -f "ex/$example/infera.yaml" --out "tmp/md-$example" --format markdown
done
check "plan --detailed-exitcode (exit 2)" plan -f ex/upstash/infera.yaml --out tmp/plan-out-x --detailed-exitcode
check "plan with a bad file (exit 1)" plan -f ex/no-such.yaml --out tmp/plan-out-y
check "schema" schema
check "--help" --help

echo "test-release: infera server in the chroot"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
chroot "$root" /bin/infera server --port "$port" --bind 127.0.0.1 --requirepass chroot-secret > "$root/tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do redis-cli -p "$port" --no-auth-warning -a chroot-secret ping >/dev/null 2>&1 && break; sleep 0.1; done
r() { redis-cli -p "$port" --no-auth-warning -a chroot-secret "$@" 2>&1; }
got="$(r set session:42 alice EX 3600) $(r get session:42) $(r incr page:views) $(r hset user:1 name alice plan pro) $(r hget user:1 plan) $(redis-cli -p "$port" ping 2>&1 | head -c 6)"
if [ "$got" = "OK alice 1 2 pro NOAUTH" ]; then pass=$((pass + 1)); echo "  ok    server: SET/GET/INCR/HSET/HGET, AUTH required"
else fail=$((fail + 1)); echo "  FAIL  server replies: $got"; head -n 5 "$root/tmp/server.log"; fi
r shutdown nosave >/dev/null 2>&1 || true
for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; fi
wait "$server_pid" 2>/dev/null || true
server_pid=""

echo "test-release: $pass passed, $fail failed"
[ "$fail" = 0 ]
