#!/bin/sh
# Regenerates the golden netlists of the netlist layer (tests/netlist/golden/*.cir) from the
# netlists built in tests/netlist/golden_test.cpp. Golden files are never edited by hand.
#
# usage: scripts/regen_golden.sh [BUILD_DIR]     (default: build)
# The build directory must be configured already (cmake -S . -B BUILD_DIR -G Ninja).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
cmake --build "$build" --target test_netlist
SPINCIM_REGEN_GOLDEN=1 "$build/tests/netlist/test_netlist" "[golden]"
git -C "$root" status --short -- tests/netlist/golden || true
