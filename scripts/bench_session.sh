#!/usr/bin/env bash
# Benchmark spice::Session against ngspice's own .control loop (shared/NGSPICE.md, cost facts).
# Usage: scripts/bench_session.sh [samples_16 [samples_128]]   (env BUILD_DIR, default build-bench)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build-bench}"
command -v ngspice >/dev/null || { echo "install the Debian package ngspice" >&2; exit 1; }
if [[ ! -f "$build/build.ninja" && ! -f "$build/Makefile" ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPINCIM_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target bench_session -j2 >/dev/null
echo "spincim Session vs ngspice .control loop (per sample: alter + run + read vectors; goal ratio <= 1.10)"
"$build/bench/bench_session" "$@"
