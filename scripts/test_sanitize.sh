#!/usr/bin/env bash
# Builds the suite with AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/ and runs it.
# Skipped here, run by the plain build: the resident-memory test (label spice_memory; ASan keeps
# freed blocks in a quarantine of up to 256 MB, so RSS growth says nothing about leaks under it),
# and the long printed Monte Carlo tables (label montecarlo_slow: minutes of simulation whose code
# paths the montecarlo_spice tests already run under the sanitizers), and the `spincim sweep`
# end-to-end runs (cli:sweep: real worker processes simulating for minutes; the supervisor, journal
# and resume code runs under the sanitizers in the sweep layer's own tests with fake workers, the
# sample evaluation in montecarlo_spice). Keeps the CI within 30 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
export SPINCIM_BUILD_DIR=${SPINCIM_ASAN_BUILD_DIR:-$root/build-asan}
SPINCIM_BUILD_TYPE=Debug "$root/scripts/build.sh" -DSPINCIM_SANITIZE=address,undefined -DSPINCIM_BUILD_BENCH=OFF
# libngspice is not instrumented and keeps allocations alive until the image is unloaded; leak
# checking would report ngspice's own memory, so it is off. Heap errors are still caught.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$SPINCIM_BUILD_DIR" -j "$(nproc)" --output-on-failure --timeout 900 -LE 'spice_memory|montecarlo_slow' \
    -E '^cli:sweep: '
