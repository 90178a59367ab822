#!/bin/sh
# Regenerates the golden netlists of the circuits layer (tests/circuits/golden/*.cir) from the
# rows built in tests/circuits/xnor_row_test.cpp. Golden files are never edited by hand.
#
# usage: scripts/regen_golden_circuits.sh [BUILD_DIR]     (default: build)
# The build directory must be configured already (cmake -S . -B BUILD_DIR -G Ninja).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
cmake --build "$build" --target test_circuits
SPINCIM_REGEN_GOLDEN=1 "$build/tests/circuits/test_circuits" "[golden]"
git -C "$root" status --short -- tests/circuits/golden || true
