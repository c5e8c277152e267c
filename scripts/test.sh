#!/usr/bin/env bash
# Fresh machine to a passing test suite: installs the packages (QGIS included, for the tests that
# open our outputs in a real QGIS), builds redline and its tests, runs them all with CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --all
"$root/scripts/build.sh"
cd "${REDLINE_BUILD_DIR:-$root/build}"
ctest --output-on-failure --parallel "$(nproc)" "$@"
