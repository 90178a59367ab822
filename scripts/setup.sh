#!/usr/bin/env bash
# Installs the Debian 12 packages spincim needs to build, test and run, if any is missing.
# Idempotent: when everything is installed it only asks dpkg and returns.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    libngspice0-dev ngspice          # the simulator: shared library (in-process) and CLI (cross-checks)
    libboost-dev                    # Boost.Process (sweep workers)
    libeigen3-dev libyaml-cpp-dev libcli11-dev libfmt-dev nlohmann-json3-dev
    libceres-dev                    # Ceres Solver: least-squares fits of the calib layer
    catch2                          # test framework (v2, header-only)
    adms                            # admsXml: parses the Verilog-A models in CI
    clang-format                    # style check in CI
    python3 python3-numpy python3-matplotlib   # plotting scripts
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "spincim setup: installing ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "spincim setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
