#!/usr/bin/env bash
# scripts/release.sh [VERSION] — the binary people download: dist/infera-<version>-linux-<arch>.tar.gz
# and its .sha256 (sha256sum format). The binary is a release build with the Swift runtime and
# Foundation linked statically (--static-swift-stdlib), stripped, stamped with the commit and
# build date (`infera version --json`); it needs only glibc, libstdc++, libyaml and libcurl at run time.
#
# Size: nothing in the binary imports full Foundation, only FoundationEssentials (crypto 4.x, own Mustache
# renderer, InferaDiagnostics/FoundationReplacements.swift), so neither Foundation, CoreFoundation,
# FoundationInternationalization nor ICU and its 32 MB locale table are linked. The script checks the
# linked binary for their symbols and fails if one crept back in (Tests/InferaCLITests/ReleaseTests.swift
# checks the same on the debug build).
#
# Linking: the toolchain's static-stdlib flags export every symbol dynamically (-export-dynamic: 1.7 MB
# of .dynsym/.dynstr nothing uses in an executable); --no-export-dynamic drops that and gold's
# --icf=safe folds identical functions whose address is never taken (RELEASE_LINK_FLAGS overrides).
#
# Environment: ARCHS (default: this machine's arch; "x86_64 arm64" to ask for both),
#   SOURCE_DATE_EPOCH (build date; default now), SKIP_BUILD=1 (package the existing .build/release/infera again).
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/InferaCLI/InferaCommand.swift | head -n 1)}"
[ -n "$version" ] || { echo "release: cannot read the version from Sources/InferaCLI/InferaCommand.swift; pass it: scripts/release.sh 1.2.3" >&2; exit 1; }
host_arch=$(uname -m); [ "$host_arch" = aarch64 ] && host_arch=arm64
archs="${ARCHS:-$host_arch}"
commit="${INFERA_COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}"
if ! git diff --quiet HEAD 2>/dev/null; then echo "release: warning: the work tree has uncommitted changes; the stamp names $commit" >&2; fi
date_utc=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%dT%H:%M:%SZ)
mkdir -p dist
built=()

build_one() {
  local arch="$1" triple_flags=() work
  if [ "$arch" != "$host_arch" ]; then
    # Cross builds need a Swift SDK for the target (swift sdk install …); none is installed here.
    local sdk
    sdk=$(swift sdk list 2>/dev/null | grep -i "${arch/arm64/aarch64}" | head -n 1 || true)
    if [ -z "$sdk" ]; then
      echo "release: $arch: NOT BUILT — no Swift SDK for linux-$arch is installed (\`swift sdk list\` shows none) and this machine is $host_arch. Build it on an $arch runner, or install an SDK and set ARCHS." >&2
      return 0
    fi
    triple_flags=(--swift-sdk "$sdk")
  fi
  work=$(mktemp -d /tmp/infera-release.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" RETURN

  # Its own build directory: a release build shares nothing with the debug cache in .build, and a
  # separate path keeps it from queueing behind every debug build on the machine's SwiftPM lock.
  local scratch="${RELEASE_BUILD_PATH:-.build-release}"
  if [ ! -d "$scratch/checkouts" ] && [ -d .build/checkouts ]; then
    mkdir -p "$scratch" && cp -r .build/checkouts .build/repositories "$scratch/" && cp .build/workspace-state.json "$scratch/" 2>/dev/null || true
  fi
  triple_flags+=(--scratch-path "$scratch")
  if [ -z "${SKIP_BUILD:-}" ]; then
    echo "release: swift build -c release --static-swift-stdlib (${arch}) — takes minutes"
    # shellcheck disable=SC2086
    swift build -c release --product infera --static-swift-stdlib "${triple_flags[@]}" ${RELEASE_LINK_FLAGS--Xlinker --no-export-dynamic -Xlinker --icf=safe} 2>&1 \
      | grep -E 'error|warning: |Compiling infera|Build' | grep -v "the use of .mktemp\|statically linked applications" || true
  fi
  local bin_dir bin
  bin_dir=$(swift build -c release --show-bin-path "${triple_flags[@]}")
  bin="$bin_dir/infera"
  [ -x "$bin" ] || { echo "release: build failed: no $bin" >&2; exit 1; }
  # Full Foundation (and with it CoreFoundation, ICU and its locale data) must stay out: ~10 MB.
  local heavy
  heavy=$(nm "$bin" 2>/dev/null | awk '$3 ~ /^\$s10Foundation|^\$s30FoundationInternationalization|^__CFString|^icudt[0-9]+_dat$/ { print $3 }' | head -n 3 || true)
  if [ -n "$heavy" ]; then
    echo "release: FAIL: the binary links full Foundation or ICU (e.g. $(echo "$heavy" | tr '\n' ' ')); a module imports Foundation instead of FoundationEssentials (see ReleaseTests.binaryLinksFoundationEssentialsOnly)" >&2
    exit 1
  fi

  local stage="$work/infera-$version-linux-$arch"
  mkdir -p "$stage"
  cp "$bin" "$stage/infera"
  strip --strip-all "$stage/infera"
  # Stamp commit and date into the marker's payload (the bytes after "@@INFERA-BUILD-STAMP@@v1").
  python3 - "$stage/infera" "$commit" "$date_utc" <<'PY'
import sys
path, commit, date = sys.argv[1:4]
marker = b"@@INFERA-BUILD-STAMP@@v1"
data = bytearray(open(path, "rb").read())
at = data.find(marker)
if at < 0 or data.find(marker, at + 1) >= 0:
    sys.exit("release: build stamp marker not found exactly once in the binary")
payload = f"commit={commit}\ndate={date}\n".encode()
room = 256 - len(marker) - 1
if len(payload) > room: sys.exit("release: build stamp too long")
start = at + len(marker)
data[start:start + room + 1] = payload + b"\0" * (room + 1 - len(payload))
open(path, "wb").write(bytes(data))
PY
  cp README.md "$stage/README.md"
  local name="infera-$version-linux-$arch"
  tar -C "$work" --owner=0 --group=0 --numeric-owner --sort=name ${SOURCE_DATE_EPOCH:+--mtime=@$SOURCE_DATE_EPOCH} -czf "dist/$name.tar.gz" "$name"
  (cd dist && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
  if [ "$arch" = "$host_arch" ]; then
    echo "release: $("$stage/infera" version)"
    echo "release: needs: $(ldd "$stage/infera" | awk '{print $1}' | grep -v 'linux-vdso\|ld-linux' | tr '\n' ' ')"
  fi
  printf 'release: %s: binary %s bytes (%.1f MB), tarball %s bytes (%.1f MB)\n' "$name" \
    "$(stat -c %s "$stage/infera")" "$(echo "$(stat -c %s "$stage/infera") / 1048576" | bc -l)" \
    "$(stat -c %s "dist/$name.tar.gz")" "$(echo "$(stat -c %s "dist/$name.tar.gz") / 1048576" | bc -l)"
  echo "release: wrote dist/$name.tar.gz and dist/$name.tar.gz.sha256"
  built+=("dist/$name.tar.gz")
}

for a in $archs; do build_one "$a"; done
[ ${#built[@]} -gt 0 ] || { echo "release: nothing built" >&2; exit 1; }
