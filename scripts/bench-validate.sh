#!/usr/bin/env bash
# Median wall time of `infera validate` on the Memorystore example, release builds, measured with hyperfine.
# Issue target: under 30 ms.   Usage: scripts/bench-validate.sh [RUNS]
# Measures two release builds: the plain one (`swift build -c release`) and one with the Swift runtime and
# Foundation linked statically (`--static-swift-stdlib`, build path .build-static), which starts faster.
# Reports wall median plus CPU (user+sys) and the load average, since wall time on a busy machine mostly
# measures waiting for a core.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-50}"
example=Examples/gcp-memorystore/infera.yaml
swift build -c release --product infera 2>&1 | tail -n 1
swift build -c release --product infera --static-swift-stdlib --build-path .build-static 2>&1 | grep -v "is dangerous" | tail -n 1
dynamic="$(swift build -c release --show-bin-path)/infera"
static=".build-static/release/infera"
"$dynamic" validate -f "$example" >/dev/null
"$static" validate -f "$example" >/dev/null
mkdir -p .bench
hyperfine --warmup 5 --runs "$runs" -N --export-json .bench/validate.json \
  -n "release" "$dynamic validate -f $example" \
  -n "release, static stdlib" "$static validate -f $example" >/dev/null
load=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$load" "$(nproc)" <<'PY'
import json, sys
for r in json.load(open(".bench/validate.json"))["results"]:
    median_ms = r["median"] * 1000
    cpu_ms = (r["user"] + r["system"]) * 1000
    print(f"infera validate ({r['command']}) on Examples/gcp-memorystore/infera.yaml: median {median_ms:.1f} ms wall "
          f"(min {r['min']*1000:.1f} ms, {len(r['times'])} runs), CPU user+sys {cpu_ms:.1f} ms; "
          f"target < 30 ms {'met' if median_ms < 30 else 'NOT met'}")
print(f"load average {sys.argv[1]} on {sys.argv[2]} cores")
PY
