#!/usr/bin/env bash
# Which lines of src/io, src/app and src/cli the test suite runs (gcov line coverage), per file:
# the answer to "does every app/io concept have a test of its own or a golden that covers it".
#
#   scripts/test_coverage.sh [BUILD_DIR]      (default /tmp/redline-build-cov; ~10 min on 2 cores)
#
# Builds redline and the tests with --coverage (-O1, REDLINE_NORMAL_EXIT so that the binary exits
# through exit() and gcov writes its counts; a release build leaves with _Exit), runs the whole
# ctest suite (unit, golden, integration, QGIS, cluster tests: every run of the redline binary
# counts), then prints "file  lines executed % of N" for each source file.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-/tmp/redline-build-cov}
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="--coverage -O1 -DREDLINE_NORMAL_EXIT" -DCMAKE_EXE_LINKER_FLAGS=--coverage >/dev/null
find "$BUILD" -name '*.gcda' -delete
ninja -C "$BUILD" >/dev/null
(cd "$BUILD" && ctest -j"$(nproc)" --output-on-failure >"$BUILD/ctest.log") || {
    echo "test_coverage: ctest failed (see $BUILD/ctest.log)" >&2
    exit 1
}
/usr/bin/python3 - "$ROOT" "$BUILD" <<'PY'
import glob, os, re, subprocess, sys
root, build = sys.argv[1], sys.argv[2]
rows = []
for gcda in sorted(glob.glob(os.path.join(build, "CMakeFiles", "redline*.dir", "src", "**", "*.gcda"), recursive=True)):
    src = os.path.join(root, gcda.split(".dir" + os.sep)[1][: -len(".gcda")])
    if os.sep + "core" + os.sep in src:
        continue
    out = subprocess.run(["gcov", "-n", "-o", os.path.dirname(gcda), gcda], capture_output=True, text=True,
                         cwd="/tmp").stdout
    m = re.search(r"File '" + re.escape(src) + r"'\nLines executed:([\d.]+)% of (\d+)", out)
    if m:
        rows.append((os.path.relpath(src, root), float(m.group(1)), int(m.group(2))))
listed = {r[0] for r in rows}
for f in sorted(glob.glob(os.path.join(root, "src", "io", "*.cpp")) + glob.glob(os.path.join(root, "src", "app", "*", "*.cpp"))
                + glob.glob(os.path.join(root, "src", "cli", "*.cpp"))):
    if os.path.relpath(f, root) not in listed:
        rows.append((os.path.relpath(f, root), 0.0, -1))
for name, pct, n in sorted(rows):
    print("%-45s %6.1f %% of %s lines" % (name, pct, n if n >= 0 else "? (never run)"))
PY
