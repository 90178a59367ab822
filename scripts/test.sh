#!/usr/bin/env bash
# The test command: installs what is missing (Debian packages), builds with warnings as errors,
# runs the whole Catch2 suite through ctest, checks formatting and parses every Verilog-A model.
# Usage: scripts/test.sh [ctest arguments, e.g. -L spice]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export LC_ALL=C

"$root/scripts/setup.sh"
"$root/scripts/build.sh"

echo "== clang-format"
mapfile -t sources < <(git ls-files -co --exclude-standard -- '*.cpp' '*.hpp' 2>/dev/null || find src include tests -name '*.[ch]pp')
clang-format --dry-run -Werror "${sources[@]}"

echo "== Verilog-A (admsXml)"
shopt -s nullglob
for va in veriloga/*.va; do
    # admsXml writes its outputs into the current directory: parse in a scratch directory.
    scratch=$(mktemp -d)
    (cd "$scratch" && admsXml "$root/$va" -e /dev/null >"$scratch/log" 2>&1) || {
        cat "$scratch/log"; echo "admsXml failed on $va" >&2; rm -rf "$scratch"; exit 1; }
    rm -rf "$scratch"
    echo "parsed $va"
done

echo "== ctest"
build=${SPINCIM_BUILD_DIR:-$root/build}
ctest --test-dir "$build" -j "$(nproc)" --output-on-failure --timeout 600 "$@"
