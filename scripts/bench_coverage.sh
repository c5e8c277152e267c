#!/usr/bin/env bash
# Benchmark `redline coverage` against peers on the same generated data in the same run.
#
#   scripts/bench_coverage.sh                 # district-scale case (~2,400 km², 10 m, ~36 Mpix)
#   scripts/bench_coverage.sh --quick         # CI size (~1/16: 150 km², ~2.7 Mpix)
#   scripts/bench_coverage.sh --scale 4       # 4x the raster cells (5 m cells, same landscape)
#
# Options:
#   --work DIR       data and results (default /tmp/redline-bench); generated data sets are
#                    cached there under a name made of their parameters, so reruns skip generation
#   --scale S        multiply the raster's cell count by S (cell = 10 m / sqrt(S))
#   --redline-vertices F  multiply each red-line polygon's vertex count by F (default 1.45: 145-435
#                    each, 160,611 in all, the size named in issue 8; 1 gives the 100-300 of
#                    earlier runs, ~111k in all)
#   --mem-scale M[,M2...]  also run redline on M x the cells (scale 1 vs M, M2 ...), to show that
#                    peak RSS stays flat as the raster grows, once with GDAL's default block cache
#                    and once with GDAL_CACHEMAX=16 (redline's own memory). Default 4 when --scale
#                    is 1, else the --scale; 0 turns it off. 16 = 2.5 m cells, 572 Mpix, ~45 s to
#                    generate once
#   --quick          small case for CI
#   --issue-case     the case of issue 15: the same kind of district (seed 9, 30 townships, 550
#                    red-line polygons) on a 7,681 x 5,518 Byte raster in EPSG:4490 (CGCS2000
#                    longitude/latitude, ~10 m cells), DEFLATE, 512x512 tiles. Same as
#                    --seed 9 --raster-epsg 4490 --tile 512 --grid 7681x5518
#   --seed N         the generator's seed (default 7)
#   --raster-epsg E  32649 (UTM, default) or 4490 (longitude/latitude) for the rasters
#   --tile T         block size of the rasters (default 256)
#   --grid NXxNY     exactly this many columns and rows (default: 10 m / sqrt(S) cells); --scale and
#                    --mem-scale S multiply both by sqrt(S)
#   --repeat N       best (minimum) wall time of N runs of each tool (default 3; 1 with --quick)
#   --no-qgis        skip QGIS even when qgis_process.bin is installed
#   --terra / --no-terra  run / skip R terra's extract(exact = TRUE), the one exact-fraction
#                    zonal tool among Debian's packages (r-cran-terra, scripts/setup.sh --all).
#                    Default: run it with --quick only (~80 s there; 38 min and 4 GB at district size)
#   --build          (re)build redline with ninja first (default: only when the binary is missing)
#
# Environment: REDLINE (binary, default build/redline), EXACTEXTRACT (an exactextract binary:
# adds the exact-fraction peer), QGIS_PROCESS (default qgis_process.bin).
#
# Rows (all on the same inputs, warm page cache):
#   read limit                build/redline_read_limit (scripts/bench/read_limit.cpp, built with redline):
#                             every block of the land-cover raster read through GDAL (ReadBlock:
#                             inflated straight into a buffer) and its values counted in a 256-bin
#                             histogram; 1 thread and all cores, each thread its own dataset. Every
#                             redline raster row is printed as a ratio to it (same thread count).
#   redline coverage forest   --boundary --zones --landcover --forest-classes 10, exact cell
#                             coverage fractions x ellipsoidal cell areas; 1 thread and all cores;
#                             and the same for the whole district only (no --zones)
#   (extra) gdalinfo -hist    GDAL's generic histogram (1 thread), and a numpy loop calling
#                             ReadAsArray per block + bincount: both slower than the read limit
#   QGIS zonalstatisticsfb    on forest.tif (0/1, 255 nodata): per-township count and mean, cell
#                             centre rule, planar cell counts (includes qgis_process start-up)
#   gdal_rasterize + bincount township ids burnt on the land-cover grid (cell centre rule), then
#                             numpy bincount of zone*256+class block by block
#   terra extract(exact=TRUE) R terra 1.7 (Debian): coverage-weighted mean of forest.tif per
#                             township, exact cell fractions, planar weights
#   exactextract              (if EXACTEXTRACT is set) coverage-weighted mean of forest.tif, on the
#                             townships in the raster's CRS; its ratio to redline on 1 thread
# The rows that the goals are read from (read limit, redline per township and whole district, on
# 1 and all threads, exactextract) run interleaved: round k runs each of them once, so that a
# machine that slows down for a while slows them all; best of --repeat rounds.
#   redline red line only     --boundary --zones --redline: repair, dissolve, clip, geodesic areas
#   ogr2ogr -dialect SQLite   ST_Union of the red line, ST_Intersection with each township and
#                             the district, planar ST_Area (GEOS via SpatiaLite)
#
# Which quantities are compared: redline's forest share_pct divides by the township's full
# ellipsoidal area, so a nodata cell counts as "not forest"; its share_of_valid_pct divides by the
# area with data. The cell-centre peers only have cells: forest cells / cells with data, each cell
# counted whole when its centre is inside the township, planar (equal) cell areas. So the
# comparable pair is redline share_of_valid_pct vs peer forest_count / valid_count. They differ
#   - at township edges, where a cell is counted whole or not at all instead of by its covered
#     fraction: with ~50-150 km² townships and 10 m cells the errors mostly cancel along the edge
#     and the shares differ by a few hundredths of a percentage point;
#   - by the variation of the cell's ellipsoidal area inside a township (UTM scale factor changes
#     by ~1e-4 over 10 km): negligible in a ratio.
# terra and exactextract use exact fractions too (planar weights), so they should agree to
# < 0.01 point.
# The red-line shares (ellipsoidal in redline, planar Gauss-Krüger in SQLite) agree to ~1e-4
# point: the scale factor nearly cancels in the ratio.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=/usr/bin/python3
DATA_PY="$ROOT/scripts/bench_data.py"
REDLINE=${REDLINE:-$ROOT/build/redline}
QGIS_PROCESS=${QGIS_PROCESS:-qgis_process.bin}
WORK=/tmp/redline-bench
SCALE=1
RL_VERTICES=1.45
MEM_SCALE=""
QUICK=0
ISSUE_CASE=0
SEED=""
RASTER_EPSG=""
TILE=""
GRID=""
REPEAT=""
USE_QGIS=1
USE_TERRA=""
BUILD=0

die() { echo "bench: $*" >&2; exit 2; }
say() { echo "bench: $*" >&2; }

while (($#)); do
    case "$1" in
        --work) WORK=${2:?--work needs a directory}; shift 2 ;;
        --scale) SCALE=${2:?--scale needs a number}; shift 2 ;;
        --redline-vertices) RL_VERTICES=${2:?--redline-vertices needs a number}; shift 2 ;;
        --mem-scale) MEM_SCALE=${2:?--mem-scale needs a number}; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --issue-case) ISSUE_CASE=1; shift ;;
        --seed) SEED=${2:?--seed needs a number}; shift 2 ;;
        --raster-epsg) RASTER_EPSG=${2:?--raster-epsg needs 32649 or 4490}; shift 2 ;;
        --tile) TILE=${2:?--tile needs a number}; shift 2 ;;
        --grid) GRID=${2:?--grid needs NXxNY}; shift 2 ;;
        --repeat) REPEAT=${2:?--repeat needs a number}; shift 2 ;;
        --no-qgis) USE_QGIS=0; shift ;;
        --terra) USE_TERRA=1; shift ;;
        --no-terra) USE_TERRA=0; shift ;;
        --build) BUILD=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
[[ $SCALE =~ ^[0-9]+([.][0-9]+)?$ ]] && awk -v s="$SCALE" 'BEGIN{exit !(s > 0)}' ||
    die "--scale must be a positive number"
[[ $RL_VERTICES =~ ^[0-9]+([.][0-9]+)?$ ]] && awk -v s="$RL_VERTICES" 'BEGIN{exit !(s > 0)}' ||
    die "--redline-vertices must be a positive number"
if ((ISSUE_CASE)); then
    SEED=${SEED:-9} RASTER_EPSG=${RASTER_EPSG:-4490} TILE=${TILE:-512} GRID=${GRID:-7681x5518}
fi
SEED=${SEED:-7} RASTER_EPSG=${RASTER_EPSG:-32649} TILE=${TILE:-256}
[[ $SEED =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer"
[[ $RASTER_EPSG == 32649 || $RASTER_EPSG == 4490 ]] || die "--raster-epsg takes 32649 or 4490"
[[ $TILE =~ ^[1-9][0-9]*$ ]] && ((TILE % 16 == 0)) || die "--tile must be a multiple of 16"
[[ -z $GRID || $GRID =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || die "--grid must be NXxNY, e.g. 7681x5518"
[[ -z $REPEAT ]] && REPEAT=$((QUICK ? 1 : 3))
[[ -z $USE_TERRA ]] && USE_TERRA=$QUICK
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "--repeat must be a positive integer"
if [[ -z $MEM_SCALE ]]; then
    if awk -v s="$SCALE" 'BEGIN{exit !(s == 1)}'; then MEM_SCALE=4; else MEM_SCALE=$SCALE; fi
fi
[[ $MEM_SCALE =~ ^[0-9]+([.][0-9]+)?(,[0-9]+([.][0-9]+)?)*$ ]] || die "--mem-scale must be numbers, comma separated"

# ---------------------------------------------------------------------------------------------
# prerequisites
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing: run scripts/setup.sh (installs the 'time' package)"
[[ -x $PY ]] && "$PY" -c 'import osgeo, numpy, shapely, pyproj' 2>/dev/null ||
    die "$PY lacks osgeo/numpy/shapely/pyproj: run scripts/setup.sh"
for t in gdal_rasterize gdalinfo ogr2ogr; do
    command -v "$t" >/dev/null || die "$t is missing: run scripts/setup.sh (gdal-bin)"
done
. "$ROOT/scripts/bench_common.sh"
ensure_redline
READ_LIMIT=${READ_LIMIT:-$(dirname "$REDLINE")/redline_read_limit}
if [[ ! -x $READ_LIMIT && -f $ROOT/build/build.ninja ]]; then
    say "building redline_read_limit"
    ninja -C "$ROOT/build" redline_read_limit >/dev/null
fi
[[ -x $READ_LIMIT ]] || die "no read-limit tool at $READ_LIMIT (build the target redline_read_limit, or set READ_LIMIT=...)"

export GDAL_PAM_ENABLED=NO          # no .aux.xml: gdalinfo -hist must not find a cached histogram
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR" 2>/dev/null || true
NCPU=$(nproc)

# ---------------------------------------------------------------------------------------------
# data
if ((QUICK)); then AREA=150 ZONES=8 NRED=35; else AREA=2400 ZONES=30 NRED=550; fi
cell_for() { awk -v s="$1" 'BEGIN{printf "%.6g", 10 / sqrt(s)}'; }
grid_for() {  # --grid scaled by sqrt($1), or nothing
    [[ -n $GRID ]] && awk -v s="$1" -v g="$GRID" 'BEGIN{split(g, a, "x"); printf "%dx%d", a[1] * sqrt(s) + 0.5, a[2] * sqrt(s) + 0.5}'
}
vertex_tag() { awk -v f="$RL_VERTICES" 'BEGIN{if (f != 1) printf "-rv%g", f}'; }
raster_tag() {  # only what differs from the defaults, so that existing data sets keep their names
    local t=""
    [[ $RASTER_EPSG != 32649 ]] && t+="-e$RASTER_EPSG"
    [[ $TILE != 256 ]] && t+="-t$TILE"
    [[ -n $GRID ]] && t+="-g$(grid_for "$1")"
    echo "$t"
}
data_dir() { echo "$WORK/data-a${AREA}-z${ZONES}-r${NRED}$(vertex_tag)-c$(cell_for "$1")$(raster_tag "$1")-s${SEED}-v1"; }
ensure_data() {   # $1 = scale; prints the data directory
    local d g; d=$(data_dir "$1"); g=$(grid_for "$1")
    cached_data "$d" "scale $1" -- "$PY" "$DATA_PY" gen --out "$d" --area-km2 "$AREA" --zones "$ZONES" \
        --redline "$NRED" --cell "$(cell_for "$1")" --seed "$SEED" --redline-vertices "$RL_VERTICES" \
        --raster-epsg "$RASTER_EPSG" --tile "$TILE" ${g:+--grid "$g"}
}
mkdir -p "$WORK"
D=$(ensure_data "$SCALE")
meta() { "$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1/meta.json" "$2"; }
MPIX=$(meta "$D" 'm["mpix"]')
read -r NX NY XMIN YMIN XMAX YMAX < <(meta "$D" \
    '"%d %d %r %r %r %r" % (lambda r, g: (r["nx"], r["ny"], g[0], g[3] + g[5] * r["ny"], g[0] + g[1] * r["nx"], g[3]))(m["raster"], m["raster"]["geotransform"])')
NZ=$(meta "$D" 'm["townships"]')
ZONES_RCRS="$D/$(meta "$D" 'm.get("zones_raster_crs", "townships_utm.gpkg")')"   # townships in the raster's CRS

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
cat "$D"/* >/dev/null   # warm the page cache: every tool reads from memory

# ---------------------------------------------------------------------------------------------
# timing: run_timed KEY LABEL MPIX CLEAN -- command...
# Best wall time of $REPEAT runs (nanosecond clock), peak RSS (max over runs) from /usr/bin/time.
# CLEAN: a file removed before each run (an output the tool refuses to overwrite), or "".
FAILED_REDLINE=0
declare -A BEST RSS FAILED
time_once() {  # time_once KEY CLEAN command...: one run; updates BEST[KEY] and RSS[KEY], or FAILED[KEY]
    local key=$1 clean=$2 t0 t1 w m
    shift 2
    [[ -n $clean ]] && rm -rf "$clean"
    t0=$(date +%s%N)
    if ! /usr/bin/time -f "%M" -o "$R/$key.rss" "$@" >"$R/$key.log" 2>&1; then
        FAILED[$key]="failed (see $R/$key.log): $(tail -n 1 "$R/$key.log" | cut -c1-100)"
        return 1
    fi
    t1=$(date +%s%N)
    w=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b - a) / 1e9}')
    m=$(grep -E '^[0-9]+$' "$R/$key.rss" | tail -n 1)
    m=${m:-0}
    [[ -z ${BEST[$key]:-} ]] || awk -v w="$w" -v b="${BEST[$key]}" 'BEGIN{exit !(w < b)}' && BEST[$key]=$w
    ((m > ${RSS[$key]:-0})) && RSS[$key]=$m
    return 0
}
record() {  # record KEY LABEL MPIX: one line of runs.tsv from BEST/RSS/FAILED
    local key=$1 label=$2 mpix=$3
    if [[ -n ${FAILED[$key]:-} ]]; then
        say "$label ${FAILED[$key]}"
        printf '%s\t%s\tfailed\t\t\t\t%s\n' "$key" "$label" "${FAILED[$key]}" >>"$R/runs.tsv"
        [[ $key == redline* || $key == mem_* ]] && FAILED_REDLINE=1
    else
        printf '%s\t%s\tok\t%s\t%s\t%s\t\n' "$key" "$label" "${BEST[$key]}" "${RSS[$key]}" "$mpix" >>"$R/runs.tsv"
    fi
}
run_timed() {
    local key=$1 label=$2 mpix=$3 clean=$4 i
    shift 5
    say "running: $label"
    for ((i = 0; i < REPEAT; i++)); do
        time_once "$key" "$clean" "$@" || break
    done
    record "$key" "$label" "$mpix"
}
# interleave KEY LABEL MPIX CLEAN -- command...: adds a row to the interleaved group;
# run_interleaved runs the group's rows in turn, $REPEAT rounds, and records them in order.
IKEYS=()
declare -A ILABEL IMPIX ICLEAN ICMD
interleave() {
    local key=$1
    IKEYS+=("$key") ILABEL[$key]=$2 IMPIX[$key]=$3 ICLEAN[$key]=$4
    shift 5
    ICMD[$key]=$(printf '%q ' "$@")
}
run_interleaved() {
    local i key
    say "running, interleaved ($REPEAT rounds): ${IKEYS[*]}"
    for ((i = 0; i < REPEAT; i++)); do
        for key in "${IKEYS[@]}"; do
            [[ -n ${FAILED[$key]:-} ]] && continue
            eval "time_once \"\$key\" \"\${ICLEAN[\$key]}\" ${ICMD[$key]}" || true
        done
    done
    for key in "${IKEYS[@]}"; do record "$key" "${ILABEL[$key]}" "${IMPIX[$key]}"; done
}
skip() {  # skip KEY LABEL WHY
    say "skipping $2: $3"
    printf '%s\t%s\tskipped\t\t\t\t%s\n' "$1" "$2" "$3" >>"$R/runs.tsv"
}

FC=10
RL_RASTER=(coverage --boundary "$D/boundary.gpkg" --zones "$D/townships.gpkg" --zone-id XZQDM
           --landcover "$D/landcover.tif" --forest-classes "$FC" -q)

# a. the interleaved group: read limit, redline per township and whole district, exactextract
interleave read_limit_t1 "read limit: decode + histogram, 1 thread" "$MPIX" "" -- \
    "$READ_LIMIT" "$D/landcover.tif" --threads 1
interleave read_limit_t0 "read limit: decode + histogram, all threads ($NCPU)" "$MPIX" "" -- \
    "$READ_LIMIT" "$D/landcover.tif" --threads "$NCPU"
interleave redline_t1 "redline coverage forest, 1 thread" "$MPIX" "" -- \
    "$REDLINE" "${RL_RASTER[@]}" --threads 1 --json "$R/redline_t1.json"
interleave redline_t0 "redline coverage forest, all threads ($NCPU)" "$MPIX" "" -- \
    "$REDLINE" "${RL_RASTER[@]}" --threads 0 --json "$R/redline_t0.json"
# one whole-district polygon (no townships): a single large polygon must not take a slow path
WHOLE=(coverage --boundary "$D/boundary.gpkg" --landcover "$D/landcover.tif" --forest-classes "$FC" -q)
interleave redline_whole_t1 "redline coverage forest, whole district, 1 thread" "$MPIX" "" -- \
    "$REDLINE" "${WHOLE[@]}" --threads 1 --json "$R/redline_whole_t1.json"
interleave redline_whole "redline coverage forest, whole district, all threads" "$MPIX" "" -- \
    "$REDLINE" "${WHOLE[@]}" --threads 0 --json "$R/redline_whole.json"
# exactextract (optional): the fastest exact-fraction tool, built from its public source
EE_LABEL="exactextract mean(forest) (exact fractions)"
EE_SKIP=""
if [[ -n ${EXACTEXTRACT:-} ]]; then
    if [[ -x $EXACTEXTRACT ]] || command -v "$EXACTEXTRACT" >/dev/null; then
        # exactextract >= 0.2 names the id column with --include-col, 0.1 with -f (--fid)
        if "$EXACTEXTRACT" --help 2>&1 | grep -q -- --include-col; then idopt=(--include-col XZQDM); else idopt=(-f XZQDM); fi
        interleave exactextract "$EE_LABEL" "$MPIX" "$R/exactextract.csv" -- \
            "$EXACTEXTRACT" -r "forest:$D/forest.tif" -p "$ZONES_RCRS" "${idopt[@]}" \
            -s "frac=mean(forest)" -o "$R/exactextract.csv"
    else
        EE_SKIP="EXACTEXTRACT=$EXACTEXTRACT is not executable"
    fi
fi
run_interleaved
[[ -n $EE_SKIP ]] && skip exactextract "$EE_LABEL" "$EE_SKIP"

# b. extras: generic readers, slower than the read limit (kept for comparison with earlier figures)
run_timed read_gdalinfo "(extra) gdalinfo -hist, 1 thread" "$MPIX" "" -- \
    gdalinfo -hist "$D/landcover.tif"
run_timed read_numpy "(extra) numpy ReadAsArray per block + bincount" "$MPIX" "" -- \
    "$PY" "$DATA_PY" hist "$D/landcover.tif"

# c. QGIS zonal statistics (cell centre), on the 0/1 forest raster
if ((!USE_QGIS)); then
    skip qgis "QGIS native:zonalstatisticsfb (cell centre)" "--no-qgis"
elif ! command -v "$QGIS_PROCESS" >/dev/null; then
    skip qgis "QGIS native:zonalstatisticsfb (cell centre)" \
        "$QGIS_PROCESS not found (scripts/setup.sh --qgis installs QGIS)"
else
    run_timed qgis "QGIS native:zonalstatisticsfb (cell centre)" "$MPIX" "$R/qgis.gpkg" -- \
        "$QGIS_PROCESS" run native:zonalstatisticsfb --INPUT="$ZONES_RCRS" \
        --INPUT_RASTER="$D/forest.tif" --RASTER_BAND=1 --COLUMN_PREFIX=_ --STATISTICS=0,2 \
        --OUTPUT="$R/qgis.gpkg"
    # what part of that is qgis_process start-up (an algorithm run on one feature, no raster)
    run_timed qgis_startup "  (qgis_process start-up alone: native:centroids)" "" "$R/qgis_startup.gpkg" -- \
        "$QGIS_PROCESS" run native:centroids --INPUT="$D/boundary.gpkg" --ALL_PARTS=false \
        --OUTPUT="$R/qgis_startup.gpkg"
fi

# d. gdal_rasterize + numpy bincount (cell centre)
run_timed bincount "gdal_rasterize + numpy bincount (cell centre)" "$MPIX" "$R/zones.tif" -- \
    bash -c 'gdal_rasterize -q -a zid -ot UInt16 -a_nodata 0 -init 0 -te "$1" "$2" "$3" "$4" \
                 -ts "$5" "$6" -co TILED=YES "$7" "$8" &&
             "$9" "${10}" bincount "$8" "${11}" "${12}" "${13}" "${14}"' _ \
    "$XMIN" "$YMIN" "$XMAX" "$YMAX" "$NX" "$NY" "$ZONES_RCRS" "$R/zones.tif" \
    "$PY" "$DATA_PY" "$D/landcover.tif" "$FC" "$NZ" "$R/bincount.csv"
rm -f "$R/zones.tif"

# e. R terra's exact-fraction extract (Debian's one exact-fraction zonal tool; slow, so one run)
terra_label="R terra extract(exact=TRUE) (exact fractions)"
if ((!USE_TERRA)); then
    skip terra "$terra_label" "--terra runs it (38 min and 4 GB on the district case)"
elif ! Rscript -e 'suppressMessages(library(terra))' >/dev/null 2>&1; then
    skip terra "$terra_label" "R terra is not installed (scripts/setup.sh --all installs r-cran-terra)"
else
    REPEAT=1 run_timed terra "$terra_label" "$MPIX" "$R/terra.csv" -- \
        Rscript "$ROOT/scripts/bench_terra.R" "$D/forest.tif" "$ZONES_RCRS" XZQDM "$R/terra.csv"
fi

# f. vector side
run_timed redline_vec "redline coverage red line only (vector)" "" "" -- \
    "$REDLINE" coverage --boundary "$D/boundary.gpkg" --zones "$D/townships.gpkg" --zone-id XZQDM \
    --redline "$D/redline.shp" -q --json "$R/redline_vec.json"
# what part of that is the process start-up (loading GDAL and its ~115 shared libraries)
run_timed redline_startup "  (redline start-up alone: --version)" "" "" -- "$REDLINE" --version
SQL="WITH rl AS (SELECT ST_Union(geom) AS g FROM redline)
SELECT t.XZQDM AS XZQDM, ST_Area(t.geom) AS zone_area, ST_Area(ST_Intersection(t.geom, rl.g)) AS rl_area
FROM townships t, rl
UNION ALL
SELECT 'district', ST_Area(b.geom), ST_Area(ST_Intersection(b.geom, rl.g)) FROM boundary b, rl"
run_timed vec_sqlite "ogr2ogr -dialect SQLite union+clip+area (planar)" "" "$R/sqlite.csv" -- \
    ogr2ogr -f CSV "$R/sqlite.csv" "$D/vectors.gpkg" -dialect SQLite -sql "$SQL"

# everything at once, for reference
run_timed redline_full "redline coverage forest + red line, all threads" "$MPIX" "" -- \
    "$REDLINE" "${RL_RASTER[@]}" --redline "$D/redline.shp" --json "$R/redline_full.json"

# memory: the same run on rasters with more cells (same landscape, finer cells)
if [[ $MEM_SCALE != 0 ]]; then
    IFS=, read -r -a mem_scales <<<"1,$MEM_SCALE"
    for cache in default 16; do
        for s in "${mem_scales[@]}"; do
            Ds=$(ensure_data "$s")
            cat "$Ds/landcover.tif" >/dev/null
            mp=$(meta "$Ds" 'm["mpix"]')
            if [[ $cache == default ]]; then key="mem_$s" pre=(); lab="default GDAL cache"
            else key="memc_$s" pre=(env GDAL_CACHEMAX=16); lab="GDAL_CACHEMAX=16"; fi
            run_timed "$key" "memory: redline forest, scale $s, $lab" "$mp" "" -- \
                "${pre[@]}" "$REDLINE" coverage --boundary "$Ds/boundary.gpkg" --zones "$Ds/townships.gpkg" \
                --zone-id XZQDM --landcover "$Ds/landcover.tif" --forest-classes "$FC" -q \
                --json "$R/$key.json"
        done
    done
fi
LOAD1=$(cut -d' ' -f1 /proc/loadavg)

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
