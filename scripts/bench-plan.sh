#!/usr/bin/env bash
# Median wall time of `infera plan` on each example, including writing the Terraform files
# (hyperfine, release build). Target: < 100 ms. Usage: [STATIC=1] scripts/bench-plan.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
# STATIC=1: measure a binary linked with --static-swift-stdlib (built in $SCRATCH, default .build-static),
# which saves the dynamic loader ~30 ms per process start on this machine.
flags=(-c release)
if [ "${STATIC:-0}" = 1 ]; then flags+=(--static-swift-stdlib --scratch-path "${SCRATCH:-.build-static}"); fi
swift build "${flags[@]}" --product infera 2>&1 | tail -n 1
bin=$(swift build "${flags[@]}" --show-bin-path)/infera
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for example in Examples/*/infera.yaml; do
  name=$(basename "$(dirname "$example")")
  # Alternate between two output directories' states: --prepare removes the output so every
  # run really writes all files (the worst case; an unchanged tree writes nothing).
  hyperfine --warmup 3 --runs "$runs" -N \
    --prepare "rm -rf $work/$name" \
    --export-json "$work/$name.json" \
    "$bin plan -f $example --out $work/$name --no-color" >/dev/null
  python3 - "$work/$name.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"infera plan {sys.argv[2]:<16} median {r['median']*1000:6.1f} ms  (mean {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} ms, min {r['min']*1000:.1f}, {len(r['times'])} runs, files rewritten each run)")
PY
done
# CPU time of one plan (what the process itself costs, independent of other load on the machine).
if command -v perf >/dev/null 2>&1; then
  perf stat -r 20 -x, -e task-clock "$bin" plan -f Examples/aws-elasticache/infera.yaml --out "$work/cpu" --no-color 2>&1 >/dev/null \
    | awk -F, '/task-clock/ { printf "CPU time per plan (perf stat, 20 runs): %.1f ms\n", $1 }' || true
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) core(s)"
