#!/usr/bin/env bash
# A redline plan as a Slurm job array, its merge as a job that waits for it (docs/cluster.md).
# Run it on a login node, from a folder every compute node sees (the plan, the inputs and the
# outputs must be on a shared file system):
#
#   scripts/cluster/slurm_array.sh [OPTIONS] PLAN SUBCOMMAND [ITS OPTIONS...]
#       plans (`redline plan --plan PLAN [--shards N] SUBCOMMAND ...`), submits one array task per
#       shard (`sbatch --array=0-$((N-1))%LIMIT`, each task running `redline run --plan PLAN`,
#       which takes its shard from SLURM_ARRAY_TASK_ID), and the merge with
#       `--dependency=afterok:ARRAY_ID`, so it starts only when every task has succeeded.
#   scripts/cluster/slurm_array.sh [OPTIONS] --resubmit PLAN
#       after a failed task (a lost node, a time limit): submits the shards `redline missing` names
#       (`sbatch --array=$(redline missing --plan PLAN)`) and a new merge depending on them.
#       Shards whose results are present are not submitted again; a merge still waiting on the
#       first array was cancelled by Slurm when that array failed (or cancel it: scancel ID).
#
# Options (before PLAN):
#   --shards N          how many shards to plan (default: redline's choice)
#   --limit L           at most L array tasks at once (default 32): %L of --array
#   --out F.gpkg, --json F.json, --csv F.csv
#                       the merge's outputs, instead of those given to the planned command (a
#                       batch plan's summary always goes to its planned --out-dir)
#   --sbatch 'OPTS'     more sbatch options for every job, e.g. '--partition=gis --time=02:00:00
#                       --cpus-per-task=4 --mem=8G --account=PROJECT' (word-split, so no spaces
#                       inside a value)
#   --redline PATH      the redline binary (default: redline on PATH, else ./build/redline)
#
# Prints the job ids as the last line of stdout: ARRAY_ID MERGE_ID. Logs go to PLAN.logs/:
# run_ARRAYID_TASK.out and merge_ID.out. Watch with `squeue -u $USER`; the merge's exit status
# (0 targets met, 1 a target missed, 2 error) is in its log's last line and in `sacct -j MERGE_ID`
# where accounting is on.
#
# Example (the demo district in 8 shards, 4 at a time):
#   scripts/cluster/slurm_array.sh --shards 8 --limit 4 \
#       --out out/q.gpkg --json out/q.json --csv out/q.csv \
#       /shared/plans/qianjiang coverage --boundary boundary.geojson --zones townships.gpkg ...
#
# The same by hand, for a job script of your own:
#   N=$(redline plan --plan P --shards 8 coverage ...)
#   A=$(sbatch --parsable --array=0-$((N-1))%4 --wrap "redline run --plan P")
#   sbatch --dependency=afterok:$A --wrap "redline merge --plan P --json q.json --csv q.csv"
#   redline missing --plan P        # after a failure: e.g. 3,17-18 (exit 1), empty when complete
#   sbatch --array=$(redline missing --plan P) --wrap "redline run --plan P"
set -euo pipefail

log() { echo "slurm_array.sh: $*" >&2; }
die() { log "$*"; exit 2; }

shards=
limit=32
merge_args=()
sbatch_opts=()
redline=
resubmit=0
while (($#)); do
    case $1 in
    --shards) shards=${2:?--shards needs a number}; shift 2 ;;
    --limit) limit=${2:?--limit needs a number}; shift 2 ;;
    --out | --json | --csv) merge_args+=("$1" "${2:?$1 needs a path}"); shift 2 ;;
    --sbatch) read -r -a extra <<<"${2:?--sbatch needs options}"; sbatch_opts+=("${extra[@]}"); shift 2 ;;
    --redline) redline=${2:?--redline needs a path}; shift 2 ;;
    --resubmit) resubmit=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) die "unknown option $1 (--help lists them)" ;;
    *) break ;;
    esac
done
(($# >= 1)) || die "usage: $0 [OPTIONS] PLAN SUBCOMMAND [OPTIONS...] | $0 [OPTIONS] --resubmit PLAN"
plan=$1
shift
[[ $limit =~ ^[1-9][0-9]*$ ]] || die "--limit must be a positive number, not $limit"
command -v sbatch >/dev/null || die "no sbatch on PATH: run this where Slurm's client commands are"
if [[ -z $redline ]]; then
    redline=$(command -v redline || true)
    [[ -n $redline || ! -x ./build/redline ]] || redline=./build/redline
    [[ -n $redline ]] || die "no redline on PATH (or give --redline PATH)"
fi
# Jobs run on other nodes, maybe in another folder: absolute paths everywhere.
abs() { [[ $1 == /* ]] && echo "$1" || echo "$PWD/$1"; }
redline=$(abs "$redline")
plan=$(abs "$plan")
for ((i = 1; i < ${#merge_args[@]}; i += 2)); do
    merge_args[i]=$(abs "${merge_args[i]}")
    mkdir -p "$(dirname "${merge_args[i]}")" # redline creates no output folders
done
logs=$plan.logs
mkdir -p "$logs"

quote() { (($# == 0)) || printf '%q ' "$@"; }
run_cmd="exec $(quote "$redline" run --plan "$plan")"
merge_cmd="$(quote "$redline" merge --plan "$plan" "${merge_args[@]}"); status=\$?; echo \"redline merge exit status \$status\"; exit \$status"

if ((resubmit)); then
    (($# == 0)) || die "--resubmit takes only the plan"
    set +e
    missing=$("$redline" missing --plan "$plan")
    status=$?
    set -e
    case $status in
    0) log "no shard of $plan is missing: nothing to resubmit (merge with: redline merge --plan $plan ...)"; exit 0 ;;
    1) ;;
    *) die "redline missing --plan $plan failed (exit $status)" ;;
    esac
    array_spec="$missing%$limit"
    log "resubmitting shards $missing of $plan"
else
    (($# >= 1)) || die "name the subcommand to plan: coverage, activity or batch, with its options"
    [[ ! -e $plan ]] || die "$plan exists: use a new plan folder, or --resubmit $plan to finish this one"
    # The plan: the shard count is the only line on stdout; redline's messages go to stderr.
    n=$("$redline" plan --plan "$plan" ${shards:+--shards "$shards"} "$@") || die "redline plan failed"
    [[ $n =~ ^[0-9]+$ && $n -ge 1 ]] || die "redline plan printed '$n', not a shard count"
    log "planned $n shard(s) in $plan"
    array_spec="0-$((n - 1))%$limit"
fi

array=$(sbatch --parsable "${sbatch_opts[@]}" --job-name=redline-run --array="$array_spec" \
    --output="$logs/run_%A_%a.out" --wrap="$run_cmd")
array=${array%%;*}
merge=$(sbatch --parsable "${sbatch_opts[@]}" --job-name=redline-merge --dependency=afterok:"$array" \
    --kill-on-invalid-dep=yes --output="$logs/merge_%j.out" --wrap="$merge_cmd")
merge=${merge%%;*}
log "array job $array (--array=$array_spec), merge job $merge after it; logs in $logs"
log "if a task fails: $0 --resubmit $(quote "${merge_args[@]}")$plan"
echo "$array $merge"
