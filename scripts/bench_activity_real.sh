#!/usr/bin/env bash
# redline activity on real imagery: the OSCD Sentinel-2 pairs of ../shared/data/oscd (9 cities with
# pixel change labels). Per city and overall: pixel precision, recall and F1 of the delivered patches
# against the labels, F1 with the low-confidence candidates as well, the naive NDVI drop's F1 beside
# it, the time; beirut, nantes and saclay_e are held out of all tuning and reported apart; then how
# well confidence matches the share of real patches. See scripts/bench_activity_real.py.
#
#   scripts/bench_activity_real.sh [--data DIR] [--work DIR] [--cities a,b] [--threads N] [--json FILE]
#                                  [--check-mean-f1 F1] [--build] [-- more redline activity options]
#
# Environment: REDLINE (binary, default build/redline). Exit 2 when a run fails or the data are missing,
# 3 when the mean F1 falls below --check-mean-f1 (a regression guard; .ci/run uses it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REDLINE=${REDLINE:-$ROOT/build/redline}
BUILD=0
say() { echo "bench_activity_real: $*" >&2; }
die() { say "$*"; exit 2; }
source "$ROOT/scripts/bench_common.sh"
args=()
for a in "$@"; do
    if [[ $a == --build ]]; then BUILD=1; else args+=("$a"); fi
done
ensure_redline
say "$REDLINE_DESC"
exec /usr/bin/python3 "$ROOT/scripts/bench_activity_real.py" --redline "$REDLINE" "${args[@]}"
