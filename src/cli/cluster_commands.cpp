// `redline plan`, `run`, `missing`, `merge`: a coverage, activity or batch run split into shards
// that any scheduler (Slurm arrays, Kubernetes Indexed Jobs, MPI launchers, ...) can run, and
// merged exactly. redline schedules nothing itself.
#include "shards/activity_shards.h"
#include "shards/batch_shards.h"
#include "commands.h"
#include "coverage/coverage_outputs.h"
#include "shards/coverage_shards.h"
#include "shards/shard_sizing.h"
#include "error.h"
#include "file_fingerprint.h"
#include "option_helpers.h"
#include "plan_store.h"
#include "shard_selection.h"
#include "text.h"

#include <sched.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace redline::cli {

namespace {

const char* const plan_usage = R"(redline plan: split a coverage, activity or batch run into shards for a cluster

Usage: redline plan --plan DIR [--shards N] [--replace] COMMAND [the command's options]

COMMAND is coverage, activity or batch, with exactly the options it takes on its own (a --config
file included). The plan checks every input as the command would, records the options (paths
made absolute), every input file with its size, time and SHA-256, the tool version, and splits
the work into N shards:
  coverage  tiles are the land-cover raster's windows (whole blocks, ~1 Mpix) that meet the
            district or a zone; a shard is a run of consecutive tiles of about equal cells
  activity  tiles are bands of image blocks inside the red line; the radiometric normalisation
            and change thresholds are fitted once, here, and every shard uses them
  batch     tiles are the job file's units
It prints the shard count on stdout (the last line; messages go to stderr), so a script can
submit an array of that size. The same inputs and options give the same plan (and plan id).

Then, on any scheduler (see docs/cluster.md, scripts/cluster/):
  redline run --plan DIR                 one shard: index from SLURM_ARRAY_TASK_ID, ...
  redline missing --plan DIR             the shards without a result (1,4-6)
  redline merge --plan DIR               the command's outputs, as a single run writes them

Examples:
  N=$(redline plan --plan /shared/p500114 --shards 16 coverage --boundary district.gpkg \
        --zones townships.gpkg --redline redline.shp --landcover worldcover.tif \
        --landcover-table esa_worldcover --target forest=65 --out cov.gpkg --json cov.json)
  sbatch --array=0-$((N-1)) --wrap "redline run --plan /shared/p500114"
  redline plan --plan /shared/cq --shards 40 batch --config chongqing.ini --out-dir /shared/cq_out

Exit status: 0 planned, 2 bad input (the message names the file or option), 3 the plan could not
be written, 4 out of memory, 5 internal error, 130 interrupted.
)";

const char* const run_usage = R"(redline run: run shards of a plan (see redline plan --help)

Usage: redline run --plan DIR [--shard K|LIST | --all] [--threads N] [--quiet]

Without --shard or --all, the shard comes from the scheduler's environment, in this order:
  SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX (Kubernetes Indexed Job), AWS_BATCH_JOB_ARRAY_INDEX,
  PBS_ARRAY_INDEX (these count from 0: submit the array as 0-(N-1)), SGE_TASK_ID, LSB_JOBINDEX
  (these count from 1: submit 1-N);
or every SIZE-th shard from the process's rank: OMPI_COMM_WORLD_RANK/SIZE (mpirun),
  PMI_RANK/PMI_SIZE (MPICH, Intel MPI), SLURM_PROCID/SLURM_NTASKS (srun).
The shard count always comes from the plan. A shard whose result is already there (and belongs
to this plan) is skipped, so any retry is safe; results are written under a temporary name and
renamed when complete. Inputs may be on shared file systems or GDAL virtual paths (/vsis3/...);
an input whose size or time changed since the plan is refused.

Examples:
  redline run --plan /shared/p --shard 3            # shard 3
  redline run --plan /shared/p --shard 0,4-6        # what `redline missing` printed
  redline run --plan /shared/p --all                # every shard not done yet, here
  mpirun -np 8 redline run --plan /shared/p         # rank r runs shards r, r+8, ...
  srun -n 8 redline run --plan /shared/p

Exit status: 0 every shard asked for is done; when a shard failed (the others still run), the
worst of the failed shards': 2 bad input, 3 a result or output could not be written;
4 out of memory, 5 internal error (the run stops), 130 interrupted.
)";

const char* const missing_usage = R"(redline missing: the shards of a plan that have no result yet

Usage: redline missing --plan DIR

Prints the shards as `sbatch --array=` takes them (e.g. 1,4-6), or an empty line when none is
missing; a count goes to stderr. Resubmit them:
  M=$(redline missing --plan /shared/p) || sbatch --array="$M" job.sh

Exit status: 0 none missing, 1 some missing, 2 bad input, 4 out of memory, 5 internal error.
)";

const char* const merge_usage = R"(redline merge: the outputs of a planned run, from its shards' results

Usage: redline merge --plan DIR [--out FILE.gpkg] [--json FILE] [--csv FILE] [--quiet]

Refuses while a shard is missing (naming them). Writes what the planned command writes (its
--out, --json and --csv as planned, or these options instead; a batch's summary goes into its
planned --out-dir, beside the units' folders its shards wrote). Areas are
summed exactly (order-free), so the figures equal a single-process run's to the last digit;
activity patches cut by shard edges are joined into the patch they belong to.

Exit status: as the command: 0 every target met, 1 a target missed, 2 bad input or missing shards,
3 an output could not be written, 4 out of memory, 5 internal error, 130 interrupted.
)";

/// A command that can be planned, with the options it takes on its own.
struct PlannedCommand
{
    po::options_description options;
    std::vector<std::string> path_options;
    bool boost_config = true; ///< --config FILE holds its options (coverage, activity); batch's is the job file
};

PlannedCommand planned_command(const std::string& name)
{
    if (name == "coverage") {
        std::vector<std::string> paths = coverage_input_options();
        paths.insert(paths.end(), { "out", "json", "csv" });
        return { coverage_option_descriptions(), paths, true };
    }
    if (name == "activity")
        return { activity_option_descriptions(),
                 { "before", "after", "before-mask", "after-mask", "redline", "zones", "out", "csv", "json" },
                 true };
    if (name == "batch")
        return { batch_option_descriptions(), { "config", "out-dir" }, false };
    throw InputError("redline plan: '" + name + "' cannot be planned; the commands are coverage, activity and batch");
}

std::string absolute(const std::string& path, const std::string& base)
{
    const std::string resolved = resolve_relative(path, base);
    // GDAL virtual paths keep their form: normalising /vsizip//abs/a.zip would drop the slash that
    // makes the archive's path absolute.
    if (resolved.compare(0, 4, "/vsi") == 0)
        return resolved;
    return fs::path(resolved).lexically_normal().string();
}

/// The command's options as given (command line, then --config FILE for what the command line
/// does not set), with paths absolute, as "--key=value" arguments: what every shard and the merge
/// parse again. Progress and thread options are left out: they are the runner's business.
std::vector<std::string> canonical_arguments(const std::vector<std::string>& args, const PlannedCommand& command)
{
    po::parsed_options parsed(&command.options);
    try {
        parsed = po::command_line_parser(args).options(command.options).run();
    } catch (const po::error& e) {
        throw InputError(std::string(e.what()) + "; see the command's --help");
    }
    const std::string cwd = fs::current_path().string();
    auto is_path = [&](const std::string& key) {
        return std::find(command.path_options.begin(), command.path_options.end(), key) != command.path_options.end();
    };
    std::vector<po::option> options;
    std::set<std::string> given;
    std::string config;
    for (auto o : parsed.options) {
        if (o.string_key == "config" && command.boost_config) {
            config = o.value.empty() ? "" : o.value.front();
            continue;
        }
        given.insert(o.string_key);
        if (is_path(o.string_key))
            for (auto& v : o.value)
                v = absolute(v, cwd);
        options.push_back(o);
    }
    if (!config.empty()) {
        std::ifstream file(config, std::ios::binary);
        if (!file)
            throw InputError("--config " + config + ": cannot open the file");
        std::ostringstream raw;
        raw << file.rdbuf();
        std::string text = raw.str();
        if (text.compare(0, 3, "\xEF\xBB\xBF") == 0)
            text.erase(0, 3);
        std::istringstream in(text);
        const std::string dir = fs::absolute(fs::path(config)).parent_path().string();
        try {
            for (auto o : po::parse_config_file(in, command.options, false).options) {
                if (given.count(o.string_key))
                    continue;
                if (is_path(o.string_key))
                    for (auto& v : o.value)
                        v = absolute(v, dir);
                options.push_back(o);
            }
        } catch (const po::error& e) {
            throw InputError("--config " + config + ": " + e.what());
        }
    }
    std::vector<std::string> out;
    for (const auto& o : options) {
        if (o.string_key == "help" || o.string_key == "quiet" || o.string_key == "threads")
            continue;
        if (o.value.empty())
            out.push_back("--" + o.string_key);
        for (const auto& v : o.value)
            out.push_back("--" + o.string_key + "=" + v);
    }
    return out;
}

po::variables_map parse_planned(const Plan& plan, const std::vector<std::string>& extra = {})
{
    const PlannedCommand command = planned_command(plan.command);
    std::vector<std::string> args = plan.arguments;
    args.insert(args.end(), extra.begin(), extra.end());
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(command.options).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError("--plan " + plan.dir + ": the planned options no longer parse (" + e.what() +
                         "); was the plan made by another redline version (" + plan.version + ")?");
    }
    return vm;
}

/// Every input of a coverage or activity run, by option.
void add_input(std::vector<std::pair<std::string, std::string>>& out, const std::string& option, const std::string& path)
{
    if (path.empty())
        return;
    const std::size_t bar = path.find('|');
    out.emplace_back(option, bar == std::string::npos ? path : path.substr(0, bar));
}

void add_inputs(std::vector<std::pair<std::string, std::string>>& out, const CoverageOptions& o)
{
    for (auto& in : coverage_input_paths(o))
        out.push_back(std::move(in));
}

void add_inputs(std::vector<std::pair<std::string, std::string>>& out, const ActivityOptions& o)
{
    add_input(out, "--before", o.before.path);
    add_input(out, "--after", o.after.path);
    add_input(out, "--before-mask", o.before.mask);
    add_input(out, "--after-mask", o.after.mask);
    add_input(out, "--redline", o.redline.path);
    if (o.zones)
        add_input(out, "--zones", o.zones->path);
}

/// CPUs this process may use (a scheduler's allocation), for the default thread count.
int usable_cpus()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    return 0;
}

std::vector<PlanInput> fingerprint_inputs(const std::vector<std::pair<std::string, std::string>>& inputs, bool quiet)
{
    std::vector<PlanInput> out;
    std::vector<FileToFingerprint> files;
    std::vector<std::size_t> owner; // input of each file
    std::set<std::string> seen;
    for (const auto& in : inputs) {
        if (!seen.insert(in.first + "\n" + in.second).second)
            continue;
        PlanInput pi;
        pi.option = in.first;
        pi.path = in.second;
        for (const auto& file : dataset_files(in.second)) {
            files.push_back({ file, in.first });
            owner.push_back(out.size());
        }
        out.push_back(pi);
    }
    // Files are hashed in parallel (a mosaic's many image files); each keeps its place.
    const auto prints = fingerprint_files(files, std::max(1, usable_cpus()), [&](const std::string& path) {
        if (!quiet)
            std::fprintf(stderr, "hashing %s\n", path.c_str());
    });
    for (std::size_t i = 0; i < prints.size(); ++i)
        out[owner[i]].files.push_back(prints[i]);
    return out;
}

/// Splits args into `plan`'s own options and the command with its options.
void split_plan_args(const std::vector<std::string>& args, std::vector<std::string>& own, std::string& command,
                     std::vector<std::string>& rest)
{
    static const std::set<std::string> with_value{ "--plan", "--shards" };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.size() > 1 && a[0] == '-') {
            own.push_back(a);
            if (with_value.count(a) && i + 1 < args.size())
                own.push_back(args[++i]);
            continue;
        }
        command = a;
        rest.assign(args.begin() + std::ptrdiff_t(i) + 1, args.end());
        return;
    }
}

po::variables_map parse_own(const std::vector<std::string>& args, const po::options_description& options,
                            const std::string& usage_of)
{
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(options).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError(std::string(e.what()) + "; see redline " + usage_of + " --help");
    }
    return vm;
}

} // namespace

int plan_command(const std::vector<std::string>& args)
{
    po::options_description options("Options");
    options.add_options()("plan", po::value<std::string>()->value_name("DIR"), "the plan folder (created)")(
      "shards", po::value<int>()->value_name("N"),
      "how many shards (default: about one per 256 Mpix of raster, or one per unit, at most 1000)")(
      "replace", "replace a plan in DIR that already has shard results")("quiet,q", "no progress")(
      "help,h", "this help");
    std::vector<std::string> own, rest;
    std::string command;
    split_plan_args(args, own, command, rest);
    const po::variables_map vm = parse_own(own, options, "plan");
    if (vm.count("help") || args.empty()) {
        std::cout << plan_usage << "\n" << options << std::flush;
        return 0;
    }
    if (!vm.count("plan"))
        throw InputError("--plan DIR is required: the folder for the plan (see redline plan --help)");
    if (command.empty())
        throw InputError("redline plan: name the command to plan (coverage, activity or batch) after the plan's "
                         "options, e.g. redline plan --plan DIR --shards 8 coverage --boundary ...");
    const bool quiet = vm.count("quiet") > 0;
    const PlannedCommand planned = planned_command(command);

    Plan plan;
    plan.dir = fs::absolute(vm["plan"].as<std::string>()).lexically_normal().string();
    plan.version = REDLINE_VERSION;
    plan.command = command;
    plan.arguments = canonical_arguments(rest, planned);
    const po::variables_map cvm = parse_planned(plan);

    std::vector<double> weights;
    std::vector<std::pair<std::string, std::string>> inputs;
    ProgressPrinter progress(quiet);
    const GeosContext ctx;
    std::size_t default_shards = 1;
    if (command == "coverage") {
        const CoverageOptions o = coverage_options_from(cvm);
        add_inputs(inputs, o);
        CoverageTiling tiling = plan_coverage_tiles(o, ctx, std::ref(progress));
        weights = tiling.cells;
        plan.tiling = tiling.description;
        default_shards = shards_for_cells(weights, coverage_cells_per_shard);
    } else if (command == "batch") {
        const BatchOptions b = batch_options_from(cvm);
        std::error_code ec;
        fs::create_directories(b.out_dir, ec);
        if (ec || !fs::is_directory(b.out_dir))
            throw InputError("--out-dir " + b.out_dir + ": cannot create the folder" + (ec ? " (" + ec.message() + ")" : ""));
        inputs.emplace_back("--config", b.job_file);
        for (const auto& u : b.units) {
            if (u.coverage)
                add_inputs(inputs, u.coverage_options);
            if (u.activity)
                add_inputs(inputs, *u.activity);
        }
        weights.assign(b.units.size(), 1.0);
        plan.tiling = "the units of " + b.job_file + ", in the file's order";
        default_shards = b.units.size();
    } else {
        const ActivityOptions o = activity_options_from(cvm);
        add_inputs(inputs, o);
        ActivityTiling tiling = plan_activity_tiles(o, ctx, std::ref(progress));
        weights = tiling.cells;
        plan.tiling = tiling.description;
        plan.job_json = tiling.calibration_json;
        default_shards = shards_for_cells(weights, activity_cells_per_shard);
    }
    plan.tiles = weights.size();
    std::optional<std::size_t> requested;
    if (vm.count("shards")) {
        const int n = vm["shards"].as<int>();
        if (n < 1)
            throw InputError("--shards must be at least 1");
        requested = std::size_t(n);
    }
    plan.shards = plan_shards(weights, default_shards, requested);
    plan.inputs = fingerprint_inputs(inputs, quiet);
    write_plan(plan, vm.count("replace") > 0);
    std::fprintf(stderr, "redline plan: %d shard%s of %zu tiles (%s) in %s; plan id %s\n", plan.shard_count(),
                 plan.shard_count() == 1 ? "" : "s", plan.tiles, plan.tiling.c_str(), plan.dir.c_str(),
                 plan.id.substr(0, 12).c_str());
    if (vm.count("shards") && std::size_t(vm["shards"].as<int>()) > plan.shards.size())
        std::fprintf(stderr, "redline plan: only %d shards: there are no more tiles to split\n", plan.shard_count());
    std::printf("%d\n", plan.shard_count());
    return 0;
}

int run_command(const std::vector<std::string>& args)
{
    po::options_description options("Options");
    options.add_options()("plan", po::value<std::string>()->value_name("DIR"), "the plan folder")(
      "shard", po::value<std::string>()->value_name("K|LIST"), "shard(s) to run: 3, or 0,4-6")(
      "all", "every shard without a result, one after another")(
      "threads", po::value<int>()->default_value(0)->value_name("N"),
      "threads per shard (0: the CPUs this process may use)")("quiet,q", "no progress")("help,h", "this help");
    const po::variables_map vm = parse_own(args, options, "run");
    if (vm.count("help") || args.empty()) {
        std::cout << run_usage << "\n" << options << std::flush;
        return 0;
    }
    if (!vm.count("plan"))
        throw InputError("--plan DIR is required (see redline run --help)");
    if (vm.count("shard") && vm.count("all"))
        throw InputError("give --shard or --all, not both");
    const Plan plan = read_plan(vm["plan"].as<std::string>());
    std::vector<int> shards;
    std::string source;
    if (vm.count("shard")) {
        shards = parse_shard_list(vm["shard"].as<std::string>(), plan.shard_count(), "--shard");
        source = "--shard " + vm["shard"].as<std::string>();
    } else if (vm.count("all")) {
        shards = missing_shards(plan);
        source = "--all";
    } else {
        const auto assignment =
          shards_from_environment([](const char* name) { return std::getenv(name); }, plan.shard_count());
        if (!assignment)
            throw InputError("redline run: no shard given: use --shard K (0-" + std::to_string(plan.shard_count() - 1) +
                             ") or --all, or run under a scheduler that sets SLURM_ARRAY_TASK_ID, "
                             "JOB_COMPLETION_INDEX, OMPI_COMM_WORLD_RANK, ... (see redline run --help)");
        shards = assignment->shards;
        source = assignment->source;
    }
    const bool quiet = vm.count("quiet") > 0;
    std::fprintf(stderr, "redline run: plan %s (%s), %d shard%s; this process runs %s (from %s)\n", plan.dir.c_str(),
                 plan.command.c_str(), plan.shard_count(), plan.shard_count() == 1 ? "" : "s",
                 shards.empty() ? "none" : format_shard_list(shards).c_str(), source.c_str());
    if (shards.empty())
        return 0;
    check_inputs_unchanged(plan);
    ensure_results_folder(plan);
    int threads = vm["threads"].as<int>();
    if (threads <= 0)
        threads = usable_cpus();

    const po::variables_map cvm = parse_planned(plan);
    int worst = 0; // the worst class among failed shards (exit_status.h)
    for (int k : shards) {
        if (shard_done(plan, k)) {
            std::fprintf(stderr, "shard %d: already done, skipped\n", k);
            continue;
        }
        const PlanShard& s = plan.shards[std::size_t(k)];
        const auto start = std::chrono::steady_clock::now();
        try {
            ProgressPrinter progress(quiet);
            std::string result;
            const GeosContext ctx;
            if (plan.command == "coverage") {
                CoverageOptions o = coverage_options_from(cvm);
                o.threads = threads;
                result = run_coverage_shard(o, ctx, s.first, s.end, plan.tiles, std::ref(progress));
            } else if (plan.command == "activity") {
                ActivityOptions o = activity_options_from(cvm);
                o.threads = threads;
                result = run_activity_shard(o, ctx, plan.job_json, s.first, s.end, plan.tiles, std::ref(progress));
            } else if (plan.command == "batch") {
                BatchOptions b = batch_options_from(cvm);
                if (threads > 0)
                    b.jobs = std::min(b.jobs, threads);
                result = run_batch_shard(b, batch_progress_observer(s.end - s.first, quiet), s.first, s.end);
            } else {
                throw InputError("--plan " + plan.dir + ": cannot run a " + plan.command + " plan");
            }
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            write_shard_result(plan, k, result, seconds);
            std::fprintf(stderr, "shard %d: done in %.1f s (tiles %zu-%zu) → %s\n", k, seconds, s.first,
                         s.end ? s.end - 1 : 0, plan.result_path(k).c_str());
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            std::fprintf(stderr, "shard %d: failed: %s\n", k, e.what());
            worst = std::max(worst, int(failure_class(e)));
        }
    }
    return worst;
}

int missing_command(const std::vector<std::string>& args)
{
    po::options_description options("Options");
    options.add_options()("plan", po::value<std::string>()->value_name("DIR"), "the plan folder")("help,h", "this help");
    const po::variables_map vm = parse_own(args, options, "missing");
    if (vm.count("help") || args.empty()) {
        std::cout << missing_usage << "\n" << options << std::flush;
        return 0;
    }
    if (!vm.count("plan"))
        throw InputError("--plan DIR is required (see redline missing --help)");
    const Plan plan = read_plan(vm["plan"].as<std::string>());
    const std::vector<int> missing = missing_shards(plan);
    std::fprintf(stderr, "redline missing: %zu of %d shard%s without a result\n", missing.size(), plan.shard_count(),
                 plan.shard_count() == 1 ? "" : "s");
    std::printf("%s\n", format_shard_list(missing).c_str());
    return missing.empty() ? 0 : 1;
}

int merge_command(const std::vector<std::string>& args)
{
    po::options_description options("Options");
    options.add_options()("plan", po::value<std::string>()->value_name("DIR"), "the plan folder")(
      "out", po::value<std::string>()->value_name("FILE.gpkg"), "the GeoPackage (default: as planned)")(
      "json", po::value<std::string>()->value_name("FILE"), "the JSON report (default: as planned)")(
      "csv", po::value<std::string>()->value_name("FILE"), "the CSV table (default: as planned)")(
      "threads", po::value<int>()->default_value(0)->value_name("N"), "threads (0: the CPUs this process may use)")(
      "quiet,q", "no progress")("help,h", "this help");
    const po::variables_map vm = parse_own(args, options, "merge");
    if (vm.count("help") || args.empty()) {
        std::cout << merge_usage << "\n" << options << std::flush;
        return 0;
    }
    if (!vm.count("plan"))
        throw InputError("--plan DIR is required (see redline merge --help)");
    const Plan plan = read_plan(vm["plan"].as<std::string>());
    const std::vector<int> missing = missing_shards(plan);
    if (!missing.empty())
        throw InputError("--plan " + plan.dir + ": " + std::to_string(missing.size()) + " of " +
                         std::to_string(plan.shard_count()) + " shards have no result yet (" +
                         format_shard_list(missing) + "); run them (redline run --plan " + plan.dir + " --shard " +
                         format_shard_list(missing) + ") and merge again");
    check_inputs_unchanged(plan);
    std::vector<std::string> results;
    for (int k = 0; k < plan.shard_count(); ++k)
        results.push_back(read_shard_result(plan, k));

    const std::string cwd = fs::current_path().string();
    std::vector<std::string> overrides;
    for (const char* key : { "out", "json", "csv" })
        if (vm.count(key)) {
            if (plan.command == "batch")
                throw InputError(std::string("--") + key + " does not apply to a batch plan: its shards wrote the "
                                 "units' outputs into the planned --out-dir, where the merge writes the summary");
            overrides.push_back(std::string("--") + key + "=" + absolute(vm[key].as<std::string>(), cwd));
        }
    // An override replaces the planned value: drop the planned one.
    Plan merged = plan;
    merged.arguments.clear();
    for (const auto& a : plan.arguments) {
        bool replaced = false;
        for (const auto& o : overrides)
            replaced = replaced || a.compare(0, o.find('=') + 1, o, 0, o.find('=') + 1) == 0;
        if (!replaced)
            merged.arguments.push_back(a);
    }
    const po::variables_map cvm = parse_planned(merged, overrides);
    const bool quiet = vm.count("quiet") > 0;
    int threads = vm["threads"].as<int>();
    if (threads <= 0)
        threads = usable_cpus();
    if (plan.command == "coverage") {
        CoverageOptions o = coverage_options_from(cvm);
        o.threads = threads;
        const GeosContext ctx;
        ProgressPrinter progress(quiet);
        const CoverageResult result = merge_coverage_shards(o, ctx, results, plan.tiles, std::ref(progress));
        write_coverage_outputs(result, o, ctx);
        print_coverage_summary(result, o);
        return result.exit_status();
    }
    if (plan.command == "activity") {
        ActivityOptions o = activity_options_from(cvm);
        o.threads = threads;
        const GeosContext ctx;
        ProgressPrinter progress(quiet);
        ActivityResult result = merge_activity_shards(o, ctx, plan.job_json, results, plan.tiles, std::ref(progress));
        write_activity_outputs(result, o, ctx, std::ref(progress));
        print_activity_summary(result, o);
        return 0;
    }
    if (plan.command == "batch") {
        const BatchOptions b = batch_options_from(cvm);
        const BatchResult result = merge_batch_shards(b, results);
        print_batch_table(result, b);
        return result.exit_status();
    }
    throw InputError("--plan " + plan.dir + ": cannot merge a " + plan.command + " plan");
}

} // namespace redline::cli
