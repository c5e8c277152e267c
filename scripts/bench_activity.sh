#!/usr/bin/env bash
# Benchmark `redline activity` (change detection inside the red line from two-date imagery) on
# district-scale generated data, against the read limit and a naive NDVI-differencing peer.
#
#   scripts/bench_activity.sh                 # district case: 5 x 5 copies of the 10 x 10 km test scene
#                                             # = 2,500 km², 25 Mpix x 5 bands x 2 dates, 150 red-line polygons
#   scripts/bench_activity.sh --quick         # CI size: 2 x 2 copies (400 km², 4 Mpix)
#   scripts/bench_activity.sh --scale 2       # 2x the rows (10 x 5 copies, 50 Mpix)
#
# Options:
#   --work DIR       data and results (default /tmp/redline-bench); generated data sets are cached
#                    there under a name made of their parameters (and of the scene generator's checksum),
#                    so reruns skip generation
#   --scale S        multiply the number of rows of copies by S (integer; width stays 5 copies)
#   --mem-scale M[,M2...]  also run redline on M x the rows (default 2,4: scale 1, 2 and 4 relative to
#                    --scale), to show that peak RSS stays flat as the image grows; 0 turns it off
#   --quick          small case for CI (2 x 2 copies; --repeat 1)
#   --repeat N       best (minimum) wall time of N runs of each tool (default 3; 1 with --quick)
#   --no-eval        skip tests/activity/evaluate.py on the mosaic
#   --build          (re)build redline with ninja first (default: only when the binary is missing)
#
# Environment: REDLINE (binary, default build/redline).
#
# Rows (all on the same inputs, warm page cache):
#   redline activity          --bands blue=1,...,swir1=5 --scale 0.0001, both SCL masks; --no-chips
#                             with --threads 1 and all cores, then all cores with the PNG chips (one run)
#   redline, one scene        the 10 x 10 km scene the mosaic is made of (the reference for the
#                             per-copy check)
#   read limit                gdalinfo -stats on both images and both masks (GDAL decodes every block
#                             once; C, 1 thread) and a numpy loop calling ReadAsArray per block; both
#                             with GDAL_CACHEMAX=64 (every block is read once: a big cache only costs)
#   naive NDVI differencing   numpy, block by block: NDVI of both dates, |dNDVI| > 0.2, valid in both
#                             SCL masks, inside the red line (burnt with gdal.RasterizeLayer), count
#                             changed cells, then 8-connected blobs of >= 4 cells (scipy label)
#   memory                    redline all cores, --no-chips, on 1, 2, 4 x the rows (one run each;
#                             scale 1 is the all-threads row above). The red line grows with the
#                             image (4x the polygons and patches at scale 4), so a control run on the
#                             largest image keeps only the red-line copies of one row in 4
#                             (--redline-where): scale 1's red line and patch count spread over 4x
#                             the rows, i.e. what the image size alone costs
#
# Data: scripts/bench_activity_data.py gen (see scripts/README_bench_activity.md); the first default
# run generates 25, 50 and 100 Mpix mosaics (~1.5 min, 2.3 GB), later runs reuse them.
#
# Checks (exit 3 when one fails): the mosaic's patches = copies x the single scene's, copy by copy
# (count per red-line polygon; area within 0.5 % of the first copy's, and within the larger of 10 %
# and 10 cells of the single scene's, read with the mosaic's misregistration correction: each image
# fits its own normalisation and noise, which moves a patch's marginal cells); 1 thread and all
# threads give identical patches;
# tests/activity/evaluate.py passes on the mosaic (precision and recall >= 0.9 against the planted
# changes of every copy, no patch outside the red line or on masked pixels). Exit 2: a redline run
# failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=/usr/bin/python3
DATA_PY="$ROOT/scripts/bench_activity_data.py"
SCENE_PY="$ROOT/scripts/make_activity_scene.py"
EVAL_PY="$ROOT/tests/activity/evaluate.py"
REDLINE=${REDLINE:-$ROOT/build/redline}
WORK=/tmp/redline-bench
SCALE=1
MEM_SCALE=2,4
QUICK=0
REPEAT=""
EVAL=1
BUILD=0

die() { echo "bench: $*" >&2; exit 2; }
say() { echo "bench: $*" >&2; }

while (($#)); do
    case "$1" in
        --work) WORK=${2:?--work needs a directory}; shift 2 ;;
        --scale) SCALE=${2:?--scale needs a number}; shift 2 ;;
        --mem-scale) MEM_SCALE=${2:?--mem-scale needs a number}; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --repeat) REPEAT=${2:?--repeat needs a number}; shift 2 ;;
        --no-eval) EVAL=0; shift ;;
        --build) BUILD=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
[[ $SCALE =~ ^[1-9][0-9]*$ ]] || die "--scale must be a positive integer (rows of copies x S)"
[[ -z $REPEAT ]] && REPEAT=$((QUICK ? 1 : 3))
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "--repeat must be a positive integer"
[[ $MEM_SCALE == 0 || $MEM_SCALE =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] ||
    die "--mem-scale must be positive integers, comma separated, or 0"

# ---------------------------------------------------------------------------------------------
# prerequisites
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing: run scripts/setup.sh (installs the 'time' package)"
[[ -x $PY ]] && "$PY" -c 'import osgeo, numpy, scipy, shapely, pyproj' 2>/dev/null ||
    die "$PY lacks osgeo/numpy/scipy/shapely/pyproj: run scripts/setup.sh"
command -v gdalinfo >/dev/null || die "gdalinfo is missing: run scripts/setup.sh (gdal-bin)"
[[ -f $SCENE_PY ]] || die "missing $SCENE_PY"
. "$ROOT/scripts/bench_common.sh"
ensure_redline
"$REDLINE" activity --help >/dev/null 2>&1 || die "$REDLINE has no 'activity' command"

export GDAL_PAM_ENABLED=NO          # no .aux.xml: gdalinfo -stats must not find cached statistics
NCPU=$(nproc)

# ---------------------------------------------------------------------------------------------
# data: one scene of make_activity_scene.py, then mosaics of ROWS x COLS shifted copies of it
SEED=20260429
if ((QUICK)); then ROWS1=2 COLS=2; else ROWS1=5 COLS=5; fi
# cache keys include the scene generator's checksum and GEN_VERSION of the mosaic step
GENSUM=$(md5sum <"$SCENE_PY" | cut -c1-8)v$(sed -n 's/^GEN_VERSION = \([0-9]*\).*/\1/p' "$DATA_PY")
SCENE="$WORK/act-scene-s$SEED-n1000-$GENSUM"
ensure_scene() {
    if [[ ! -f $SCENE/scene.json || ! -f $SCENE/truth.gpkg ]]; then
        say "generating the base scene $SCENE"
        rm -rf "$SCENE"
        "$PY" "$SCENE_PY" --out "$SCENE" --seed "$SEED" >&2 || die "scene generation failed"
    fi
}
data_dir() { echo "$WORK/act-data-r$1-c$COLS-s$SEED-$GENSUM"; }
ensure_data() {   # $1 = rows of copies; prints the data directory
    local d; d=$(data_dir "$1")
    ensure_scene
    cached_data "$d" "$1 x $COLS copies" -- "$PY" "$DATA_PY" gen --scene "$SCENE" --out "$d" --rows "$1" --cols "$COLS"
}
mkdir -p "$WORK"
ensure_scene
D=$(ensure_data $((ROWS1 * SCALE)))
meta() { "$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1/meta.json" "$2"; }
MPIX=$(meta "$D" 'm["mpix"]')
read -r -a RL_ARGS < <(meta "$D" '" ".join(m["redline_args"])')   # --bands ... --scale 0.0001 --before-mask before_scl.tif ...

R="$WORK/results/$(basename "$D")"
rm -rf "$R"
mkdir -p "$R"
cp "$D/meta.json" "$R/meta.json"
: >"$R/runs.tsv"
say "results in $R"
# every run uses this copy of the binary, even if build/ is rebuilt meanwhile
cp "$REDLINE" "$R/redline-bin"
REDLINE="$R/redline-bin"
LOAD0=$(cut -d' ' -f1 /proc/loadavg)

# redline's arguments for the data in $1 (mask paths made absolute)
activity_args() {
    local d=$1 a out=()
    for a in "${RL_ARGS[@]}"; do
        [[ $a == *.tif ]] && a="$d/$a"
        out+=("$a")
    done
    printf '%s\n' --before "$d/before.tif" --after "$d/after.tif" --redline "$d/redline.gpkg" "${out[@]}" -q
}
mapfile -t ACT < <(activity_args "$D")
mapfile -t ACT_SCENE < <(activity_args "$SCENE")
warm() { cat "$1"/*.tif "$1"/*.gpkg >/dev/null; }   # every tool reads from memory
warm "$D"
warm "$SCENE"

# ---------------------------------------------------------------------------------------------
# timing: run_timed KEY LABEL MPIX CLEAN -- command...
# Best wall time of $REPEAT runs (nanosecond clock), the CPU time (user + sys) of that run and the
# peak RSS (max over runs) from /usr/bin/time.
# CLEAN: a file or folder removed before each run, or "".
FAILED_REDLINE=0
run_timed() {
    local key=$1 label=$2 mpix=$3 clean=$4
    shift 5
    local best="" rss=0 cpu="" i t0 t1 w m c
    say "running: $label"
    for ((i = 0; i < REPEAT; i++)); do
        [[ -n $clean ]] && rm -rf "$clean" && mkdir -p "$clean"
        t0=$(date +%s%N)
        if ! /usr/bin/time -f "%M %U %S" -o "$R/$key.rss" "$@" >"$R/$key.log" 2>&1; then
            local note
            note="failed (see $R/$key.log): $(tail -n 1 "$R/$key.log" | cut -c1-100)"
            say "$label $note"
            printf '%s\t%s\tfailed\t\t\t\t%s\n' "$key" "$label" "$note" >>"$R/runs.tsv"
            [[ $key == redline* || $key == mem_* ]] && FAILED_REDLINE=1
            return 0
        fi
        t1=$(date +%s%N)
        w=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b - a) / 1e9}')
        read -r m c < <(awk 'NF == 3 && $1 ~ /^[0-9]+$/ {m = $1; c = $2 + $3} END {printf "%d %.2f\n", m, c}' "$R/$key.rss")
        [[ -z $best ]] || awk -v w="$w" -v b="$best" 'BEGIN{exit !(w < b)}' && best=$w cpu=$c
        ((m > rss)) && rss=$m
    done
    printf '%s\t%s\tok\t%s\t%s\t%s\t\t%s\n' "$key" "$label" "$best" "$rss" "$mpix" "$cpu" >>"$R/runs.tsv"
}
skip() {  # skip KEY LABEL WHY
    say "skipping $2: $3"
    printf '%s\t%s\tskipped\t\t\t\t%s\n' "$1" "$2" "$3" >>"$R/runs.tsv"
}

# a. redline
run_timed redline_t1 "redline activity, 1 thread, --no-chips" "$MPIX" "$R/out_t1" -- \
    "$REDLINE" activity "${ACT[@]}" --threads 1 --no-chips --out "$R/out_t1/patches.gpkg" --json "$R/redline_t1.json"
run_timed redline_t0 "redline activity, all threads ($NCPU), --no-chips" "$MPIX" "$R/out_t0" -- \
    "$REDLINE" activity "${ACT[@]}" --no-chips --out "$R/out_t0/patches.gpkg" --json "$R/redline_t0.json"
saved_repeat=$REPEAT REPEAT=1   # once: the chips' cost is large enough to show in one run
run_timed redline_chips "redline activity, all threads, with chips (1 run)" "$MPIX" "$R/out_chips" -- \
    "$REDLINE" activity "${ACT[@]}" --out "$R/out_chips/patches.gpkg" --json "$R/redline_chips.json"
REPEAT=$saved_repeat
run_timed redline_scene "redline activity, one scene (1 Mpix), all threads" 1 "$R/out_scene" -- \
    "$REDLINE" activity "${ACT_SCENE[@]}" --no-chips --out "$R/out_scene/patches.gpkg" --json "$R/redline_scene.json"

# b. read limit
# (GDAL_CACHEMAX=64: no block is read twice, and GDAL's default cache, 5 % of RAM, only adds page
# faults: 5.1 s instead of 3.0 s for gdalinfo at 25 Mpix on 2 cores)
run_timed read_gdalinfo "read limit: gdalinfo -stats, 2 images + 2 masks (1 thread)" "$MPIX" "" -- \
    env GDAL_CACHEMAX=64 bash -c 'for f; do gdalinfo -stats "$f" >/dev/null || exit; done' _ \
    "$D/before.tif" "$D/after.tif" "$D/before_scl.tif" "$D/after_scl.tif"
run_timed read_numpy "read limit: numpy ReadAsArray per block, same files" "$MPIX" "" -- \
    env GDAL_CACHEMAX=64 "$PY" "$DATA_PY" read "$D/before.tif" "$D/after.tif" "$D/before_scl.tif" "$D/after_scl.tif"

# c. naive peer
run_timed ndvi "naive NDVI differencing, numpy per block (1 thread)" "$MPIX" "" -- \
    "$PY" "$DATA_PY" ndvi "$D" "$R/ndvi.json"

# d. memory: the same run on more rows of copies (width constant), one run each
if [[ $MEM_SCALE != 0 ]]; then
    saved_repeat=$REPEAT
    REPEAT=1
    IFS=, read -r -a mem_scales <<<"1,$MEM_SCALE"
    for s in "${mem_scales[@]}"; do
        Ds=$(ensure_data $((ROWS1 * SCALE * s)))
        if ((s == 1)) && awk -F'\t' '$1 == "redline_t0" && $3 == "ok" {f = 1} END {exit !f}' "$R/runs.tsv"; then
            # the same command as redline_t0 on the same data: reuse its row (best of $REPEAT runs)
            mp=$MPIX
            row=$(awk -F'\t' -v OFS='\t' -v k="mem_$SCALE" \
                -v l="memory: redline, scale $SCALE ($((ROWS1 * SCALE)) x $COLS copies) = all-threads row" \
                '$1 == "redline_t0" { $1 = k; $2 = l; print }' "$R/runs.tsv")
            printf '%s\n' "$row" >>"$R/runs.tsv"
            cp "$R/redline_t0.json" "$R/mem_$SCALE.json"
            ACTS=("${ACT[@]}")
            continue
        fi
        warm "$Ds"
        mp=$(meta "$Ds" 'm["mpix"]')
        mapfile -t ACTS < <(activity_args "$Ds")
        run_timed "mem_$((SCALE * s))" "memory: redline, scale $((SCALE * s)) ($((ROWS1 * SCALE * s)) x $COLS copies), all threads" \
            "$mp" "$R/out_mem" -- \
            "$REDLINE" activity "${ACTS[@]}" --no-chips --out "$R/out_mem/patches.gpkg" --json "$R/mem_$((SCALE * s)).json"
    done
    # control: the largest image with the red line of scale 1 (copies of every M-th row only, so
    # the same polygons and patches, spread over the whole height): image size alone
    M=${mem_scales[-1]}
    if ((M > 1)); then
        where=""
        for ((i = 0; i < ROWS1 * SCALE; i++)); do
            where+="${where:+ OR }HXBH LIKE '%-R$(printf %02d $((i * M)))C%'"
        done
        run_timed "memrl_$((SCALE * M))" "memory: scale $((SCALE * M)), red line of scale $SCALE (1 row of copies in $M)" \
            "$mp" "$R/out_mem" -- \
            "$REDLINE" activity "${ACTS[@]}" --redline-where "$where" --no-chips --out "$R/out_mem/patches.gpkg" \
            --json "$R/memrl_$((SCALE * M)).json"
    fi
    rm -rf "$R/out_mem"
    REPEAT=$saved_repeat
fi
LOAD1=$(cut -d' ' -f1 /proc/loadavg)

# ---------------------------------------------------------------------------------------------
# checks (not timed)
# Copy by copy against the single scene read with the mosaic's own misregistration correction:
# each measures the shift on its own windows (0.51 and 0.53 cell for the planted 0.5 on the
# default data), and a hundredth of a cell moves the edge of a patch by a cell or two, which is
# not what this check is about.
if [[ -f $R/redline_scene.json && -f $R/redline_t0.json ]]; then
    shift_arg=$("$PY" -c 'import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8-sig"))["input"]["misregistration"]
print("%r,%r" % (m["correction_dx_cells"], m["correction_dy_cells"]) if m.get("corrected") else "none")' "$R/redline_t0.json")
    mkdir -p "$R/out_scene_shift"
    "$REDLINE" activity "${ACT_SCENE[@]}" --after-shift "$shift_arg" --no-chips \
        --out "$R/out_scene_shift/patches.gpkg" --json "$R/redline_scene_shift.json" >/dev/null ||
        say "redline activity on the single scene with --after-shift $shift_arg failed"
    "$PY" "$DATA_PY" copies "$D" "$R/redline_scene_shift.json" "$R/redline_t0.json" "$R/copies.json" ||
        say "per-copy check failed"
fi
if ((!EVAL)); then
    skip evaluate "tests/activity/evaluate.py on the mosaic" "--no-eval"
elif [[ ! -f $EVAL_PY ]]; then
    skip evaluate "tests/activity/evaluate.py on the mosaic" "$EVAL_PY is missing"
elif [[ -f $R/out_chips/patches.gpkg ]]; then
    say "evaluating the mosaic's patches (with chips) against the planted changes"
    rc=0
    "$PY" "$EVAL_PY" --scene "$D" --patches "$R/out_chips/patches.gpkg" --json "$R/redline_chips.json" \
        >"$R/evaluate.txt" 2>&1 || rc=$?
    ((rc <= 1)) || { say "evaluate.py could not read the mosaic (exit $rc): $(tail -n 1 "$R/evaluate.txt")"; rm -f "$R/evaluate.txt"; }
fi

# ---------------------------------------------------------------------------------------------
status=0
"$PY" "$DATA_PY" report "$R" "$D" || status=$?
echo
echo "redline: $REDLINE_DESC"
echo "$NCPU cores, load average $LOAD0 at the start, $LOAD1 at the end; best of $REPEAT runs; logs and outputs in $R"
if awk -v a="$LOAD0" -v b="$LOAD1" -v n="$NCPU" 'BEGIN{exit !(a > 0.5 * n || b > 0.5 * n)}'; then
    echo "WARNING: other processes were using the CPUs: timings are noisy (rerun on an idle machine, or --repeat 5)"
fi
((FAILED_REDLINE)) && { echo "bench: a redline run failed" >&2; exit 2; }
exit "$status"
