#!/usr/bin/env bash
# Calibration fit speed (issue 14): a 6-parameter fit on 1,000 points (goal < 1 s), timed side by
# side with the same fit by central finite differences; prints both times and their ratio.
# Usage: scripts/bench_calib.sh [--points N] [--repeat R]
#   (env BENCH_BUILD_DIR, default build-bench; configured as Release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD_DIR:-$root/build-bench}
if [[ ! -f "$build/build.ninja" && ! -f "$build/Makefile" ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPINCIM_BUILD_TESTS=OFF \
        -DSPINCIM_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" --target bench_calib -j2 >/dev/null
"$build/bench/bench_calib" "$@"
