#!/usr/bin/env bash
# Builds exactextract (https://github.com/isciences/exactextract, Apache-2.0) from a checkout of its
# public source, for scripts/bench_coverage.sh's exact-fraction peer (EXACTEXTRACT=...). Nothing of it
# is committed here: give the checkout, get a binary outside this tree.
#
#   scripts/build_exactextract.sh SOURCE_DIR [BUILD_DIR]     (default BUILD_DIR: /tmp/exactextract-build)
#   EXACTEXTRACT=/tmp/exactextract-build/exactextract scripts/bench_coverage.sh ...
#
# Uses Debian's GDAL, GEOS and CLI11 (libcli11-dev, installed with apt-get when missing and run as
# root). exactextract's CMake would download CLI11's single header from GitHub; Debian ships the
# same library as headers under CLI/, so a one-line CLI11.hpp that includes them is put where CMake
# looks first. Tests, Python bindings and documentation are not built.
set -euo pipefail
say() { echo "build_exactextract: $*" >&2; }
SRC=${1:?usage: scripts/build_exactextract.sh SOURCE_DIR [BUILD_DIR]}
OUT=${2:-/tmp/exactextract-build}
[[ -f $SRC/CMakeLists.txt && -d $SRC/src ]] || { say "$SRC is not an exactextract checkout (no CMakeLists.txt and src/)"; exit 2; }
if [[ ! -f /usr/include/CLI/CLI.hpp ]]; then
    if [[ $(id -u) == 0 ]]; then
        apt-get install -y -q libcli11-dev >/dev/null
    else
        say "libcli11-dev is missing: apt-get install libcli11-dev (as root)"; exit 2
    fi
fi
mkdir -p "$OUT/CLI11"
echo '#include <CLI/CLI.hpp>' >"$OUT/CLI11/CLI11.hpp"
cmake -S "$SRC" -B "$OUT" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TEST=OFF -DBUILD_PYTHON=OFF \
    -DBUILD_DOC=OFF -DBUILD_BENCHMARKS=OFF >"$OUT/cmake.log" || { say "cmake failed: $OUT/cmake.log"; exit 2; }
ninja -C "$OUT" exactextract >"$OUT/build.log" || { say "build failed: $OUT/build.log"; exit 2; }
"$OUT/exactextract" --version >/dev/null 2>&1 || "$OUT/exactextract" --help >/dev/null
say "built $OUT/exactextract ($(git -C "$SRC" describe --always --dirty 2>/dev/null || echo 'version unknown'))"
echo "$OUT/exactextract"
