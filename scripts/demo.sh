#!/usr/bin/env bash
# The main demo: installs what is missing, builds spincim, runs the default study and prints its
# result table. Usage: scripts/demo.sh [STUDY.yaml] (default: netlists/stt_bnn_row.yaml)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
study=${1:-$root/netlists/stt_bnn_row.yaml}
out=${SPINCIM_DEMO_OUT:-$root/out/demo}

"$root/scripts/setup.sh"
"$root/scripts/build.sh" --target spincim >/dev/null
build=${SPINCIM_BUILD_DIR:-$root/build}
"$build/src/cli/spincim" run "$study" -o "$out"
