#!/usr/bin/env bash
# Benchmark of bit-packed BNN inference with per-k row-error injection versus a plain
# XOR+popcount loop over the same packed weight bits (the peak), with 1 and 2 threads
# (issue 6, acceptance 6; goal: injected inference >= 50 % of the peak on one core for 64x64,
# 128x128 and 256x256 sub-arrays). The loops run interleaved, best of 5; the ratio is printed from
# wall time and from process CPU time (the latter is the one-core figure least disturbed by other
# processes on a shared machine). Builds bench_bnn in build-bench/ (Release) unless
# BENCH_BUILD_DIR is set.
# Usage: scripts/bench_bnn.sh ["N1 N2 ..."] [samples]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD_DIR:-$root/build-bench}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPINCIM_BUILD_TESTS=OFF \
    -DSPINCIM_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target bench_bnn >/dev/null
# shellcheck disable=SC2086
for n in ${1:-64 128 256}; do
    "$build/bench/bench_bnn" "$n" "${2:-2000}"
done
