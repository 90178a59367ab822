#!/usr/bin/env bash
# Native crossbar solver vs ngspice .op on 64x64 and 128x128 passive arrays, and the native time
# for 1024x1024 (issue 5, acceptance 2; ngspice reference: shared/NGSPICE.md, 5.9 s and 131 s).
# ngspice at 128x128 takes about two minutes: pass `--ngspice-max 64` to skip it (0 skips ngspice).
# Usage: scripts/bench_crossbar.sh [--ngspice-max N] [--native N] [--repeat R]
#   (env BENCH_BUILD_DIR, default build-bench; configured as Release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD_DIR:-$root/build-bench}
if [[ ! -f "$build/build.ninja" && ! -f "$build/Makefile" ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPINCIM_BUILD_TESTS=OFF \
        -DSPINCIM_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" --target bench_crossbar -j2 >/dev/null
"$build/bench/bench_crossbar" "$@"
