#!/usr/bin/env bash
# Median wall time of `infera validate` on the Memorystore example (release build), measured with hyperfine.
# Issue target: under 30 ms.   Usage: scripts/bench-validate.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-50}"
swift build -c release --product infera 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/infera"
example=Examples/gcp-memorystore/infera.yaml
"$bin" validate -f "$example" >/dev/null
mkdir -p .bench
hyperfine --warmup 5 --runs "$runs" -N --export-json .bench/validate.json "$bin validate -f $example" >/dev/null
python3 - <<'PY'
import json
r = json.load(open(".bench/validate.json"))["results"][0]
median_ms = r["median"] * 1000
print(f"infera validate (release) on Examples/gcp-memorystore/infera.yaml: median {median_ms:.1f} ms, "
      f"mean {r['mean']*1000:.1f} ms ± {r['stddev']*1000:.1f}, min {r['min']*1000:.1f} ms over {len(r['times'])} runs "
      f"(target < 30 ms: {'met' if median_ms < 30 else 'NOT met'})")
PY
