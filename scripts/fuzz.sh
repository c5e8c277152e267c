#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UndefinedBehaviorSanitizer) in
# build-fuzz/ and runs each for SECONDS (default 30) from its seed corpus in tests/fuzz/corpus/.
# New inputs go to a scratch copy, so the repository is not modified. Exit 1 on any crash.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
build=${REDLINE_FUZZ_BUILD_DIR:-$root/build-fuzz}
command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing; run scripts/setup.sh --fuzz" >&2; exit 2; }
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER=clang++ -DREDLINE_FUZZ=ON -DBUILD_TESTING=OFF -DBUILD_CLI=OFF >/dev/null
fi
# The build's output is kept out of the way, and shown when the build fails.
if ! cmake --build "$build" --parallel "$(nproc)" --target fuzz_class_table fuzz_band_mapping fuzz_mask_convention \
        fuzz_figure_values fuzz_option_file >"$build/fuzz-build.log" 2>&1; then
    echo "fuzz: building the fuzz targets with clang failed; the errors:" >&2
    grep -E -B2 -A6 'error|FAILED' "$build/fuzz-build.log" | tail -60 >&2
    exit 1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for target in class_table band_mapping mask_convention figure_values option_file; do
    mkdir -p "$scratch/$target"
    cp "$root/tests/fuzz/corpus/$target"/* "$scratch/$target/"
    if (cd "$scratch" && "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=0 "$scratch/$target" > "$scratch/$target.log" 2>&1); then
        runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$scratch/$target.log" | awk '{print $2}' || true)
        echo "fuzz: $target ok (${seconds} s${runs:+, $runs runs}, corpus $(ls "$scratch/$target" | wc -l))"
    else
        echo "fuzz: $target FAILED; the log:" >&2
        tail -40 "$scratch/$target.log" >&2
        mkdir -p "$root/build-fuzz/crashes"
        cp "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* "$root/build-fuzz/crashes/" 2>/dev/null || true
        status=1
    fi
done
exit $status
