#!/usr/bin/env bash
# Runs libFuzzer targets for a number of seconds each:  scripts/fuzz.sh SECONDS [TARGET...]   (default: all targets)
#
# Add a target with ONE line in TARGETS below: "<name>:<SwiftPM executable product>".
# The product is an executableTarget under Fuzz/<Product>/ whose source, when built with -D INFERA_FUZZ, defines
#   @_cdecl("LLVMFuzzerTestOneInput") func(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt
# and, because SwiftPM links executables with `main` aliased to `<Product>_main`,
#   @_cdecl("<Product>_main") func(argc, argv) -> CInt { LLVMFuzzerRunDriver(&argc, &argv, callback) }
# (copy Fuzz/FuzzConfigLoader/FuzzConfigLoader.swift). Without -D INFERA_FUZZ it compiles a stub @main.
# Seeds (committed): Fuzz/seeds/<name>/.  Dictionary (optional): Fuzz/dicts/<name>.dict.
# Working corpus: .fuzz/corpus/<name>/; crashes and logs: fuzz-artifacts/<name>/ (both git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(
  "config:FuzzConfigLoader"
  "resp:FuzzRESP"
  "commands:FuzzCommands"
)

seconds="${1:-60}"
shift || true
case "$seconds" in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh SECONDS [TARGET...]" >&2; exit 2;; esac

declare -A product_of
names=()
for entry in "${TARGETS[@]}"; do product_of["${entry%%:*}"]="${entry#*:}"; names+=("${entry%%:*}"); done
selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=("${names[@]}")
for name in "${selected[@]}"; do
  [ -n "${product_of[$name]:-}" ] || { echo "fuzz: unknown target '$name' (known: ${names[*]})" >&2; exit 2; }
done

BUILD_PATH=.build-fuzz
FLAGS=(-c release --build-path "$BUILD_PATH" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DINFERA_FUZZ -Xswiftc -parse-as-library)
status=0
for name in "${selected[@]}"; do
  product="${product_of[$name]}"
  echo "fuzz: building $product (release, -sanitize=fuzzer,address)"
  swift build "${FLAGS[@]}" --product "$product" 2>&1 | grep -v "Cannot export local symbol" | tail -n 2
  bin="$BUILD_PATH/release/$product"
  corpus=".fuzz/corpus/$name"; artifacts="fuzz-artifacts/$name"; seeds="Fuzz/seeds/$name"
  mkdir -p "$corpus" "$artifacts"
  dict=(); [ -f "Fuzz/dicts/$name.dict" ] && dict=(-dict="Fuzz/dicts/$name.dict")
  seed_dirs=(); [ -d "$seeds" ] && seed_dirs=("$seeds")
  log="$artifacts/fuzz.log"
  echo "fuzz: running $name for ${seconds}s (log: $log)"
  set +e
  # detect_leaks=0: Swift's lazily initialised globals and metadata caches are reported as leaks at exit.
  ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" "$bin" "${dict[@]}" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "${seed_dirs[@]}" > "$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
  [ -n "$runs" ] || runs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' | tail -n 1)
  if [ "$rc" -eq 0 ]; then
    echo "fuzz: $name: ${runs:-?} executions in ${seconds}s, no crash; corpus $(ls "$corpus" | wc -l) inputs"
  else
    echo "fuzz: $name: FAILED (exit $rc) after ${runs:-?} executions; see $log and $artifacts/" >&2
    grep -m 5 -E 'ERROR|==[0-9]+==|Fatal error|Test unit written' "$log" >&2 || true
    status=1
  fi
done
exit $status
