#!/usr/bin/env bash
# Builds redline and its tests with AddressSanitizer + UndefinedBehaviorSanitizer (the CMake
# option REDLINE_SANITIZE) in build-asan/ and runs the test suite there (the QGIS and benchmark-
# sized tests excepted: QGIS's own libraries are not instrumented). Any sanitizer report fails.
#   scripts/sanitize.sh [ctest arguments]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${REDLINE_ASAN_BUILD_DIR:-$root/build-asan}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREDLINE_SANITIZE=ON -DREDLINE_WERROR=OFF >/dev/null
fi
cmake --build "$build" --parallel "$(nproc)"
# GDAL and PROJ keep caches until exit (not leaks of ours); report errors, not those.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
ctest --output-on-failure --parallel "$(nproc)" -E 'qgis\.' "$@"
