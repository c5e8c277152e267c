#!/usr/bin/env bash
# Installs everything redline needs to build, test and run its demo, from Debian's packages.
#   scripts/setup.sh            build + test dependencies (GDAL, GEOS, PROJ, Boost, GoogleTest, Python GDAL)
#   scripts/setup.sh --qgis     also QGIS (qgis_process, PyQGIS) for the benchmark and the QGIS tests
#   scripts/setup.sh --cluster  also Slurm (slurmctld, slurmd, client), munge and Open MPI's mpirun, for
#                               the cluster tests (scripts/cluster/slurm_local.sh, docs/cluster.md)
#   scripts/setup.sh --all      QGIS, clang with its libFuzzer runtime for scripts/fuzz.sh,
#                               PostgreSQL + PostGIS for the ledger tests (scripts/postgis.sh),
#                               R terra (the exact-fraction peer of scripts/bench_coverage.sh) and
#                               the --cluster packages
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    libgdal-dev gdal-bin libgeos-dev libproj-dev proj-bin proj-data
    libboost-program-options-dev
    libgtest-dev googletest
    python3-gdal python3-numpy python3-shapely python3-pyproj python3-scipy
    sqlite3 time
)
if [[ "${1:-}" == "--qgis" || "${1:-}" == "--all" ]]; then
    packages+=(qgis qgis-providers python3-qgis xvfb fonts-noto-cjk)
fi
if [[ "${1:-}" == "--fuzz" || "${1:-}" == "--all" ]]; then
    packages+=(clang libclang-rt-14-dev)
fi
if [[ "${1:-}" == "--all" ]]; then
    packages+=(postgresql postgresql-15-postgis-3 r-cran-terra r-cran-codetools)
fi
if [[ "${1:-}" == "--cluster" || "${1:-}" == "--all" ]]; then
    packages+=(slurmctld slurmd slurm-client munge openmpi-bin)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    echo "setup: all ${#packages[@]} packages already installed"
    exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
