#!/usr/bin/env bash
# The main flow on an example, with the embedded engine.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product infera 2>&1 | tail -n 3
bin=$(swift build -c release --show-bin-path)/infera
echo "== infera --version"; "$bin" --version
for e in Examples/*/infera.yaml; do n=$(basename "$(dirname "$e")"); echo "== infera plan -f $e --out .build/demo/$n"; "$bin" plan -f "$e" --out ".build/demo/$n" --snippets node; done
