# Shared by the bench_*.sh scripts (sourced, not run): builds redline when asked or missing,
# describes the binary being timed, and generates data sets once. Expects ROOT, REDLINE, BUILD and
# the functions die and say.

# ensure_redline: (re)builds build/redline with ninja when --build was given or it is missing, warns
# when build/ is not a Release build, and sets REDLINE_DESC (binary, build time, git tree).
ensure_redline() {
    if ((BUILD)) || [[ ! -x $REDLINE ]]; then
        if [[ $REDLINE == "$ROOT/build/redline" ]]; then
            command -v ninja >/dev/null && command -v cmake >/dev/null ||
                die "redline is not built and cmake/ninja are missing: run scripts/setup.sh"
            if [[ ! -f $ROOT/build/build.ninja ]]; then
                say "configuring $ROOT/build (Release)"
                cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
            fi
            say "building redline"
            ninja -C "$ROOT/build" redline >/dev/null
        fi
        [[ -x $REDLINE ]] || die "no redline binary at $REDLINE (set REDLINE=...)"
    fi
    if [[ -f $ROOT/build/CMakeCache.txt && $REDLINE == "$ROOT/build/redline" ]]; then
        local bt
        bt=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$ROOT/build/CMakeCache.txt")
        [[ $bt == Release ]] || say "WARNING: build/ is a '$bt' build: timings are not representative"
    fi
    REDLINE_DESC="$REDLINE, built $(date -r "$REDLINE" '+%F %T'), tree $(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo '?')"
}

# cached_data DIR LABEL -- COMMAND...: runs COMMAND (a generator writing DIR, meta.json last) unless
# DIR/meta.json says an earlier run completed; then prints DIR. Generated data sets are kept under
# names made of their parameters, so reruns skip generation.
cached_data() {
    local d=$1 label=$2
    shift 3
    if [[ ! -f $d/meta.json ]]; then
        say "generating $d${label:+ ($label)}"
        local t0=$SECONDS
        "$@" >&2 || die "data generation failed: $*"
        say "generated in $((SECONDS - t0)) s"
    else
        say "using cached data $d"
    fi
    rm -f "$d"/*.aux.xml   # no cached statistics or histograms from an earlier tool
    echo "$d"
}
