#!/usr/bin/env bash
# Configures and builds spincim into build/ (or $SPINCIM_BUILD_DIR). Incremental on a second call.
# Usage: scripts/build.sh [-DOPTION=VALUE ...] [cmake --build arguments, e.g. --target spincim]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SPINCIM_BUILD_DIR:-$root/build}
configure=() buildargs=()
for a in "$@"; do
    case "$a" in -D*) configure+=("$a") ;; *) buildargs+=("$a") ;; esac
done
generator=()
command -v ninja >/dev/null && [ ! -f "$build/CMakeCache.txt" ] && generator=(-G Ninja)
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=${SPINCIM_BUILD_TYPE:-RelWithDebInfo} \
    -DSPINCIM_WERROR=ON "${configure[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)" "${buildargs[@]}"
