#!/usr/bin/env bash
# Configures and builds redline (Release) into build/ (or $REDLINE_BUILD_DIR).
# Extra arguments go to CMake, e.g. scripts/build.sh -DREDLINE_SANITIZE=ON
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${REDLINE_BUILD_DIR:-$root/build}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
elif (($#)); then
    cmake "$build" "$@" >/dev/null
fi
cmake --build "$build" --parallel "$(nproc)"
echo "build: $build/redline"
