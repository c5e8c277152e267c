#!/usr/bin/env bash
# Benchmark sharded runs (`redline plan` / `redline run --shard K` / `redline merge`) against the
# single-process command, for coverage and for activity, with 1 and W workers on this machine.
#
#   scripts/bench_shards.sh                   # coverage: 9,600 km² region, 60 townships, 10 m land cover
#                                             # (140 Mpix), 16 shards; activity: 5 x 5 copies of the test
#                                             # scene (25 Mpix x 5 bands x 2 dates), 10 shards
#   scripts/bench_shards.sh --quick           # CI size: coverage 2,400 km² (36 Mpix), 4 shards;
#                                             # activity 2 x 2 copies (4 Mpix), 4 shards; --repeat 1
#   scripts/bench_shards.sh --only activity --repeat 5
#
# Options:
#   --work DIR         data and results (default /tmp/redline-bench); generated data sets are cached
#                      there under the same names as scripts/bench_coverage.sh and bench_activity.sh use,
#                      so the three scripts share them
#   --cov-shards S     shards of the coverage plan (default 16; 4 with --quick)
#   --act-shards S     shards of the activity plan (default 10; 4 with --quick); at most the rows of
#                      image blocks (5000 px / 256 = 20 by default), and the plan may give fewer
#   --workers W        the parallel case: W shards at once, and the single run with W threads (default 2)
#   --only CASE        coverage or activity (default both)
#   --quick            small case for CI
#   --repeat N         best (minimum) wall time of N runs (default 3; 1 with --quick); the 1-shard plan
#                      and its merge run once
#   --build            (re)build redline with ninja first (default: only when the binary is missing)
#
# Environment: REDLINE (binary, default build/redline).
#
# Rows, for each case (all on the same inputs, warm page cache, every run with -q):
#   single run, 1 thread / W threads    `redline coverage|activity ... --threads 1|W`
#   plan, S shards                      `redline plan --plan P --shards S COMMAND ...`: checks the inputs,
#                                       tiles, SHA-256 of every input file; for activity also the
#                                       radiometric normalisation and thresholds (fitted once, here)
#   array, S shards, 1 / W workers      `seq 0 S-1 | xargs -P1|-PW -I{} redline run --plan P --shard {}
#                                       --threads 1 -q` on a fresh results folder (P/results emptied
#                                       before every repetition); each shard also under /usr/bin/time
#   merge                               `redline merge --plan P` after the W-worker array
#   1-shard plan, its shard, its merge  `--shards 1`: the cost of going through a plan at all
#   sha256sum of the inputs             coreutils, for reference (the plan hashes the same files)
# and, untimed, one plan with its progress timestamped (how long the SHA-256 and, for activity, the
# calibration take) and a merge after the 1-worker array (checked too).
#
# Printed: the table (best wall s, CPU s = user + sys, peak RSS, Mpix/s), per-shard wall/CPU/RSS,
# the speed-up of W workers over 1, the sharded total (plan + array + merge) over the single run,
# the per-shard fixed overhead (sum of shard CPU - single-run CPU, over S; and a fit of shard CPU on
# shard cells when shards differ enough), peak RSS per shard vs the single run.
#
# Checks (exit 3 when one fails): coverage: every area and share in the merged JSON (after the
# 1-worker array, the W-worker array, and of the 1-shard plan) and in the W-thread run equals the
# 1-thread single run's exactly; activity: the merged patch CSV is byte-identical to the single
# run's. Exit 2: a redline run failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=/usr/bin/python3
COV_PY="$ROOT/scripts/bench_data.py"
ACT_PY="$ROOT/scripts/bench_activity_data.py"
SCENE_PY="$ROOT/scripts/make_activity_scene.py"
HELP_PY="$ROOT/scripts/bench_shards_data.py"
REDLINE=${REDLINE:-$ROOT/build/redline}
WORK=/tmp/redline-bench
COV_SHARDS=""
ACT_SHARDS=""
WORKERS=2
ONLY=""
QUICK=0
REPEAT=""
BUILD=0

die() { echo "bench: $*" >&2; exit 2; }
say() { echo "bench: $*" >&2; }

while (($#)); do
    case "$1" in
        --work) WORK=${2:?--work needs a directory}; shift 2 ;;
        --cov-shards) COV_SHARDS=${2:?--cov-shards needs a number}; shift 2 ;;
        --act-shards) ACT_SHARDS=${2:?--act-shards needs a number}; shift 2 ;;
        --workers) WORKERS=${2:?--workers needs a number}; shift 2 ;;
        --only) ONLY=${2:?--only needs coverage or activity}; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --repeat) REPEAT=${2:?--repeat needs a number}; shift 2 ;;
        --build) BUILD=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
[[ -z $REPEAT ]] && REPEAT=$((QUICK ? 1 : 3))
[[ -z $COV_SHARDS ]] && COV_SHARDS=$((QUICK ? 4 : 16))
[[ -z $ACT_SHARDS ]] && ACT_SHARDS=$((QUICK ? 4 : 10))
for v in REPEAT COV_SHARDS ACT_SHARDS WORKERS; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--$(tr 'A-Z_' 'a-z-' <<<"$v") must be a positive integer"
done
case "$ONLY" in
    "") CASES=(coverage activity) ;;
    coverage|activity) CASES=("$ONLY") ;;
    *) die "--only takes coverage or activity" ;;
esac

# ---------------------------------------------------------------------------------------------
# prerequisites
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing: run scripts/setup.sh (installs the 'time' package)"
[[ -x $PY ]] && "$PY" -c 'import osgeo, numpy, scipy, shapely, pyproj' 2>/dev/null ||
    die "$PY lacks osgeo/numpy/scipy/shapely/pyproj: run scripts/setup.sh"
command -v xargs >/dev/null && command -v sha256sum >/dev/null || die "xargs/sha256sum are missing (findutils, coreutils)"
[[ -f $SCENE_PY && -f $COV_PY && -f $ACT_PY && -f $HELP_PY ]] || die "a data script is missing under $ROOT/scripts"
. "$ROOT/scripts/bench_common.sh"
ensure_redline
"$REDLINE" plan --help >/dev/null 2>&1 || die "$REDLINE has no 'plan' command (sharded runs)"

export GDAL_PAM_ENABLED=NO
NCPU=$(nproc)
((WORKERS <= NCPU)) || say "WARNING: --workers $WORKERS is more than the $NCPU CPUs here"

# ---------------------------------------------------------------------------------------------
# data (the same cache names as bench_coverage.sh and bench_activity.sh)
meta() { "$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1/meta.json" "$2"; }
mkdir -p "$WORK"

# coverage: bench_data.py gen, a larger region than bench_coverage.sh's district
if ((QUICK)); then C_AREA=2400 C_ZONES=30; else C_AREA=9600 C_ZONES=60; fi
C_NRED=550 C_CELL=10 C_SEED=7
ensure_cov_data() {
    local d="$WORK/data-a${C_AREA}-z${C_ZONES}-r${C_NRED}-c${C_CELL}-s${C_SEED}-v1"
    cached_data "$d" "" -- "$PY" "$COV_PY" gen --out "$d" --area-km2 "$C_AREA" --zones "$C_ZONES" \
        --redline "$C_NRED" --cell "$C_CELL" --seed "$C_SEED"
}

# activity: bench_activity_data.py gen, ROWS x COLS shifted copies of make_activity_scene.py's scene
A_SEED=20260429
if ((QUICK)); then A_ROWS=2 A_COLS=2; else A_ROWS=5 A_COLS=5; fi
GENSUM=$(md5sum <"$SCENE_PY" | cut -c1-8)v$(sed -n 's/^GEN_VERSION = \([0-9]*\).*/\1/p' "$ACT_PY")
SCENE="$WORK/act-scene-s$A_SEED-n1000-$GENSUM"
ensure_act_data() {
    local d="$WORK/act-data-r$A_ROWS-c$A_COLS-s$A_SEED-$GENSUM"
    if [[ ! -f $SCENE/scene.json || ! -f $SCENE/truth.gpkg ]]; then
        say "generating the base scene $SCENE"
        rm -rf "$SCENE"
        "$PY" "$SCENE_PY" --out "$SCENE" --seed "$A_SEED" >&2 || die "scene generation failed"
    fi
    cached_data "$d" "$A_ROWS x $A_COLS copies" -- "$PY" "$ACT_PY" gen --scene "$SCENE" --out "$d" --rows "$A_ROWS" \
        --cols "$A_COLS"
}

CD="" AD=""
for c in "${CASES[@]}"; do
    if [[ $c == coverage ]]; then CD=$(ensure_cov_data); else AD=$(ensure_act_data); fi
done

R="$WORK/results/shards-$( ((QUICK)) && echo quick || echo default)"
rm -rf "$R"
mkdir -p "$R"
: >"$R/runs.tsv"
say "results in $R"
# every run uses this copy of the binary, even if build/ is rebuilt meanwhile
cp "$REDLINE" "$R/redline-bin"
REDLINE="$R/redline-bin"
UPTIME0=$(uptime)
LOAD0=$(cut -d' ' -f1 /proc/loadavg)
say "uptime: $UPTIME0"

# ---------------------------------------------------------------------------------------------
# timing: run_timed KEY LABEL PREP -- command...
# Best wall time of $REPEAT runs (nanosecond clock), the CPU time (user + sys, children included) of
# that run, the peak RSS (max over runs; for an array, of its largest process) from /usr/bin/time,
# and which repetition was the best (BENCH_REP, exported to the command: arrays keep per-shard times
# per repetition). PREP: a shell function called before each repetition with the repetition, or "".
# timed_once KEY LABEL PREP REP -- command... runs one repetition; flush KEY writes the row. Two runs
# to be compared (1 worker vs W workers, 1 thread vs W threads) alternate repetitions, so that both
# see the same load from other processes.
FAILED_REDLINE=0
declare -A T_BEST T_RSS T_CPU T_REP T_LABEL T_FAILED
timed_once() {
    local key=$1 label=$2 prep=$3 i=$4
    shift 5
    local t0 t1 w m c
    T_LABEL[$key]=$label
    [[ -n ${T_FAILED[$key]:-} ]] && return 0
    say "running: $label ($i/$REPEAT)"
    [[ -n $prep ]] && "$prep" "$i"
    t0=$(date +%s%N)
    if ! BENCH_REP=$i /usr/bin/time -f "%M %U %S" -o "$R/$key.rss" "$@" >"$R/$key.log" 2>&1; then
        T_FAILED[$key]="failed (see $R/$key.log): $(grep -v '^Command exited' "$R/$key.log" | tail -n 1 | cut -c1-120)"
        say "$label ${T_FAILED[$key]}"
        FAILED_REDLINE=1
        return 0
    fi
    t1=$(date +%s%N)
    w=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b - a) / 1e9}')
    read -r m c < <(awk 'NF == 3 && $1 ~ /^[0-9]+$/ {m = $1; c = $2 + $3} END {printf "%d %.2f\n", m, c}' "$R/$key.rss")
    if [[ -z ${T_BEST[$key]:-} ]] || awk -v w="$w" -v b="${T_BEST[$key]}" 'BEGIN{exit !(w < b)}'; then
        T_BEST[$key]=$w T_CPU[$key]=$c T_REP[$key]=$i
    fi
    ((m > ${T_RSS[$key]:-0})) && T_RSS[$key]=$m
    return 0
}
flush() {
    local key=$1
    if [[ -n ${T_FAILED[$key]:-} ]]; then
        printf '%s\t%s\tfailed\t\t\t\t\t%s\n' "$key" "${T_LABEL[$key]}" "${T_FAILED[$key]}" >>"$R/runs.tsv"
    else
        printf '%s\t%s\tok\t%s\t%s\t%s\t%s\t\n' "$key" "${T_LABEL[$key]}" "${T_BEST[$key]}" "${T_RSS[$key]}" \
            "${T_CPU[$key]}" "${T_REP[$key]}" >>"$R/runs.tsv"
    fi
}
run_timed() {
    local key=$1 label=$2 prep=$3 i
    shift 4
    for ((i = 1; i <= REPEAT; i++)); do timed_once "$key" "$label" "$prep" "$i" -- "$@"; done
    flush "$key"
}
once() { local saved=$REPEAT; REPEAT=1; run_timed "$@"; REPEAT=$saved; }

# an array of shards: array_cmd PLAN WORKERS SHARDS KEY -> the command words (for run_timed)
ARRAY_SH='P=$1 W=$2 S=$3 T=$4 B=$5
mkdir -p "$T.rep$BENCH_REP"
seq 0 $((S - 1)) | xargs -P"$W" -I{} /usr/bin/time -f "%e %M %U %S" -o "$T.rep$BENCH_REP/shard-{}.time" \
    "$B" run --plan "$P" --shard {} --threads 1 -q'
# before each repetition of an array: a fresh results folder (the plan is kept)
PLAN_DIR=""
fresh_results() { rm -rf "$PLAN_DIR/results" && mkdir -p "$PLAN_DIR/results"; }
OUT_DIR=""
fresh_out() { rm -rf "$OUT_DIR" && mkdir -p "$OUT_DIR"; }
fresh_plan() { rm -rf "$PLAN_DIR"; }
nshards() { "$PY" -c "import json,sys; print(len(json.load(open(sys.argv[1]))['shards']))" "$1/plan.json"; }

# bench_case CASE SHARDS OUTPUT_ARGS_FN -- the command's arguments (without outputs)
# OUTPUT_ARGS_FN DIR prints the output options, one per line, for outputs in DIR
bench_case() {
    local case=$1 S=$2 outfn=$3
    shift 4
    local args=("$@") P="$R/${case}_plan.d" P1="$R/${case}_plan1.d" n i
    local -a o

    # a. single runs, 1 thread and W threads, repetitions alternating
    local -a o1 oW
    mapfile -t o1 < <("$outfn" "$R/${case}_t1")
    mapfile -t oW < <("$outfn" "$R/${case}_tW")
    for ((i = 1; i <= REPEAT; i++)); do
        OUT_DIR="$R/${case}_t1"
        timed_once "${case}_t1" "single run, 1 thread" fresh_out "$i" -- "$REDLINE" "${args[@]}" "${o1[@]}" --threads 1 -q
        OUT_DIR="$R/${case}_tW"
        timed_once "${case}_tW" "single run, $WORKERS threads" fresh_out "$i" -- "$REDLINE" "${args[@]}" "${oW[@]}" --threads "$WORKERS" -q
    done
    flush "${case}_t1"
    flush "${case}_tW"

    # b. plan (outputs as planned: unused, the merges give their own; the folder must exist)
    mkdir -p "$R/${case}_planned"
    mapfile -t o < <("$outfn" "$R/${case}_planned")
    PLAN_DIR=$P
    run_timed "${case}_plan" "plan, $S shards" fresh_plan -- "$REDLINE" plan --plan "$P" --shards "$S" -q "${args[@]}" "${o[@]}"
    [[ -f $P/plan.json ]] || { say "$case: no plan: skipping its arrays"; return 0; }
    n=$(nshards "$P")
    ((n == S)) || say "$case: the plan has $n shards (asked for $S)"
    cp "$P/plan.json" "$R/${case}_plan.json"
    # the same plan once more, with its progress timestamped (where the time goes), not timed
    rm -rf "$R/${case}_plan_stamped.d"
    "$PY" "$HELP_PY" stamp "$R/${case}_plan_stamped.log" -- \
        "$REDLINE" plan --plan "$R/${case}_plan_stamped.d" --shards "$S" "${args[@]}" "${o[@]}" ||
        say "$case: the timestamped plan failed (see $R/${case}_plan_stamped.log)"
    rm -rf "$R/${case}_plan_stamped.d"

    # c. arrays: 1 worker and W workers, repetitions alternating, each on a fresh results folder;
    #    after the last 1-worker array, an untimed merge (checked like the others)
    PLAN_DIR=$P
    mapfile -t o < <("$outfn" "$R/${case}_m1")
    for ((i = 1; i <= REPEAT; i++)); do
        timed_once "${case}_arr1" "array, $n shards, 1 worker" fresh_results "$i" -- \
            bash -c "$ARRAY_SH" _ "$P" 1 "$n" "$R/${case}_arr1" "$REDLINE"
        if ((i == REPEAT)); then
            rm -rf "$R/${case}_m1" && mkdir -p "$R/${case}_m1"
            "$REDLINE" merge --plan "$P" -q "${o[@]}" >"$R/${case}_m1.log" 2>&1 ||
                { (($? == 1)) || { say "$case: merge after the 1-worker array failed (see $R/${case}_m1.log)"; FAILED_REDLINE=1; }; }
        fi
        timed_once "${case}_arrW" "array, $n shards, $WORKERS workers" fresh_results "$i" -- \
            bash -c "$ARRAY_SH" _ "$P" "$WORKERS" "$n" "$R/${case}_arrW" "$REDLINE"
    done
    flush "${case}_arr1"
    flush "${case}_arrW"

    # d. merge (after the W-worker array)
    mapfile -t o < <("$outfn" "$R/${case}_mW")
    OUT_DIR="$R/${case}_mW"
    run_timed "${case}_merge" "merge" fresh_out -- "$REDLINE" merge --plan "$P" -q "${o[@]}"

    # e. a 1-shard plan: the cost of the plan/run/merge path itself
    mapfile -t o < <("$outfn" "$R/${case}_planned")
    PLAN_DIR=$P1
    once "${case}_plan1" "1-shard plan" fresh_plan -- "$REDLINE" plan --plan "$P1" --shards 1 -q "${args[@]}" "${o[@]}"
    if [[ -f $P1/plan.json ]]; then
        run_timed "${case}_run1" "1-shard plan: its shard, 1 thread" fresh_results -- \
            "$REDLINE" run --plan "$P1" --shard 0 --threads 1 -q
        mapfile -t o < <("$outfn" "$R/${case}_m1s")
        OUT_DIR="$R/${case}_m1s"
        once "${case}_merge1" "1-shard plan: merge" fresh_out -- "$REDLINE" merge --plan "$P1" -q "${o[@]}"
    fi

    # f. reference: coreutils sha256sum of the files the plan hashed
    mapfile -t o < <("$PY" -c "import json,sys; [print(f['path']) for i in json.load(open(sys.argv[1]))['inputs'] for f in i['files']]" "$P/plan.json")
    run_timed "${case}_sha256sum" "sha256sum of the plan's inputs (reference)" "" -- sha256sum "${o[@]}"
    rm -rf "$P1" "$R/${case}_planned"
}

cov_outputs() { printf '%s\n' --json "$1/out.json" --csv "$1/out.csv"; }
act_outputs() { printf '%s\n' --out "$1/patches.gpkg" --json "$1/patches.json" --csv "$1/patches.csv"; }

COV_WHAT="" ACT_WHAT=""
for c in "${CASES[@]}"; do
    if [[ $c == coverage ]]; then
        cat "$CD"/* >/dev/null   # warm the page cache
        COV_WHAT="redline coverage, forest share of a $(meta "$CD" '"%.0f km², %d townships, %d x %d cells of %g m = %.1f Mpix" % (m["district_planar_km2"], m["townships"], m["raster"]["nx"], m["raster"]["ny"], m["raster"]["cell_m"], m["mpix"])') ($CD)"
        bench_case coverage "$COV_SHARDS" cov_outputs -- \
            coverage --boundary "$CD/boundary.gpkg" --zones "$CD/townships.gpkg" --zone-id XZQDM \
            --landcover "$CD/landcover.tif" --forest-classes 10
    else
        cat "$AD"/*.tif "$AD"/*.gpkg >/dev/null
        ACT_WHAT="redline activity --no-chips, $(meta "$AD" '"%d x %d copies of the test scene = %.0f km², %.0f Mpix x %d bands x 2 dates, %d red-line polygons" % (m["rows"], m["cols"], m["area_km2"], m["mpix"], m["bands"], m["redline_polygons"])') ($AD)"
        read -r -a RL_ARGS < <(meta "$AD" '" ".join(m["redline_args"])')
        a=()
        for x in "${RL_ARGS[@]}"; do [[ $x == *.tif ]] && x="$AD/$x"; a+=("$x"); done
        bench_case activity "$ACT_SHARDS" act_outputs -- \
            activity --before "$AD/before.tif" --after "$AD/after.tif" --redline "$AD/redline.gpkg" "${a[@]}" --no-chips
    fi
done
LOAD1=$(cut -d' ' -f1 /proc/loadavg)
UPTIME1=$(uptime)

"$PY" - "$R/info.json" "$WORKERS" "$REPEAT" "$COV_SHARDS" "$ACT_SHARDS" "$COV_WHAT" "$ACT_WHAT" "$UPTIME0" "$UPTIME1" "$NCPU" "${CASES[@]}" <<'EOF'
import json, sys
out, workers, repeat, cs, acs, cw, aw, u0, u1, ncpu = sys.argv[1:11]
cases = sys.argv[11:]
shards = {"coverage": int(cs), "activity": int(acs)}
what = {"coverage": cw, "activity": aw}
info = {"workers": int(workers), "repeat": int(repeat), "cases": cases, "uptime_start": u0, "uptime_end": u1,
        "cpus": int(ncpu)}
for c in cases:
    info[c] = {"shards": shards[c], "what": what[c]}
json.dump(info, open(out, "w"), indent=1)
EOF
# the shard count actually planned
for c in "${CASES[@]}"; do
    [[ -f $R/${c}_plan.json ]] && "$PY" - "$R/info.json" "$c" "$(nshards "$R/${c}_plan.d")" <<'EOF'
import json, sys
p, c, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
i = json.load(open(p)); i[c]["shards"] = n; json.dump(i, open(p, "w"), indent=1)
EOF
done
rm -rf "$R"/*_plan.d/results

# ---------------------------------------------------------------------------------------------
status=0
"$PY" "$HELP_PY" report "$R" || status=$?
echo
echo "redline: $REDLINE_DESC"
echo "$NCPU cores; uptime at the start: $UPTIME0"
echo "         at the end:   $UPTIME1"
echo "best of $REPEAT runs; logs, outputs and per-shard times in $R"
if awk -v a="$LOAD0" -v b="$LOAD1" -v n="$NCPU" 'BEGIN{exit !(a > 0.5 * n || b > 0.5 * n)}'; then
    echo "WARNING: other processes were using the CPUs: timings are noisy (rerun on an idle machine, or --repeat 5);"
    echo "         the CPU times (user + sys) are the steadier figures"
fi
((FAILED_REDLINE)) && { echo "bench: a redline run failed" >&2; exit 2; }
exit "$status"
