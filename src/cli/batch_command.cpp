// `redline batch`: a job file of units (districts, townships), each run with the options of the
// single-unit commands, in parallel, with a summary table and an HTML report.
#include "batch/batch_job.h"
#include "batch/unit_fingerprint.h"
#include "job_file.h"
#include "commands.h"
#include "error.h"
#include "option_helpers.h"
#include "text.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace fs = std::filesystem;

namespace redline::cli {

namespace {

const char* const usage = R"(redline batch: run coverage (and activity) checks for many units from one job file

Usage: redline batch --config JOB.ini --out-dir DIR [--jobs N] [--force]

The job file is plain INI: a [defaults] section and one [unit.NAME] section per district or
township. Keys are the long option names of `redline coverage` and `redline activity` (boundary,
redline, landcover, target, ...; repeat a key to repeat an option) plus `checks = coverage` or
`checks = coverage,activity`. A unit's keys replace the defaults' values of the same key.
Relative paths are relative to the job file. Example (sample_data/batch_example.ini):

  [defaults]
  redline = redline.shp
  landcover = landcover.tif
  landcover-table = esa_worldcover
  target = forest=65
  checks = coverage

  [unit.qianjiang]
  boundary = boundary.geojson
  zones = townships.gpkg
  target = redline=25.76
  target = forest=65
  target = protected=17.02
  protected = protected.gpkg

DIR receives one folder per unit (coverage.gpkg/json/csv, activity outputs, map.svg) and
summary.json, summary.csv (every unit × target: actual, target, pass/fail, margin) and
report.html. Units whose inputs and options did not change since their last complete run are
skipped (--force redoes them). Ctrl-C stops cleanly: finished units keep complete outputs.

Exit status: the worst unit's: 0 every target met, 1 a target missed, 2 a unit could not be
computed for bad input, 3 an output could not be written, 4 out of memory, 5 internal error (a
failed unit is named with its reason, the others still run and the summary lists every unit);
130 interrupted.
)";

/// Options the batch sets itself: a job file may not name them.
bool batch_owned(const std::string& key)
{
    return key == "out" || key == "json" || key == "csv" || key == "config" || key == "help" || key == "threads";
}

/// Command-line arguments for one command from the settings it knows.
std::vector<std::string> arguments_for(const Settings& settings, const po::options_description& options,
                                       const std::string& job_dir)
{
    std::vector<std::string> args;
    for (const auto& kv : settings) {
        const po::option_description* d = options.find_nothrow(kv.first, false);
        if (!d)
            continue;
        if (d->semantic()->max_tokens() == 0) {
            const std::string v = to_lower(kv.second);
            if (v.empty() || v == "1" || v == "true" || v == "yes" || v == "on")
                args.push_back("--" + kv.first);
            continue;
        }
        const bool is_path =
          std::find(job_path_options().begin(), job_path_options().end(), kv.first) != job_path_options().end();
        args.push_back("--" + kv.first + "=" + (is_path ? resolve_relative(kv.second, job_dir) : kv.second));
    }
    return args;
}

po::variables_map parse_arguments(const std::vector<std::string>& args, const po::options_description& options)
{
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(options).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError(std::string(e.what()));
    }
    return vm;
}

std::string safe_folder_name(const std::string& name)
{
    std::string out;
    for (char c : name)
        out += (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' ||
                c == '|')
                 ? '_'
                 : c;
    return out.empty() || out == "." || out == ".." ? "unit" : out;
}

/// Builds the units: every key checked against the commands' options (same names, same errors
/// as on the command line). A key no command knows stops the batch at once: a typo in a job
/// file is better fixed before hours of work than found in the summary.
std::vector<BatchUnit> build_units(const JobFile& job)
{
    const po::options_description coverage = coverage_option_descriptions();
    const po::options_description activity = activity_option_descriptions();
    std::vector<BatchUnit> units;
    for (const auto& u : job.units) {
        const Settings settings = merged(job.defaults, u.second);
        BatchUnit unit;
        unit.name = safe_folder_name(u.first);
        std::string checks = "coverage";
        for (const auto& kv : settings) {
            if (kv.first == "checks") {
                checks = kv.second;
                continue;
            }
            const bool known = coverage.find_nothrow(kv.first, false) || activity.find_nothrow(kv.first, false);
            if (!known)
                throw InputError("--config " + job.path + ": [unit." + u.first + "] unknown key '" + kv.first +
                                 "'; keys are the long option names of redline coverage and redline activity "
                                 "(see their --help) and 'checks'");
            if (batch_owned(kv.first))
                throw InputError("--config " + job.path + ": [unit." + u.first + "] key '" + kv.first +
                                 "' is set by the batch itself (outputs go to --out-dir/NAME); remove it");
        }
        std::set<std::string> wanted;
        for (const auto& c : split(checks, ','))
            if (!c.empty())
                wanted.insert(to_lower(c));
        for (const auto& c : wanted)
            if (c != "coverage" && c != "activity")
                throw InputError("--config " + job.path + ": [unit." + u.first + "] checks = " + checks +
                                 ": the checks are coverage and activity");
        unit.coverage = wanted.count("coverage") > 0;
        unit.fingerprint = unit_fingerprint(settings, job.dir) + " " + checks;
        try {
            for (const auto& kv : settings) {
                if (kv.first == "checks")
                    continue;
                const bool for_coverage = coverage.find_nothrow(kv.first, false) != nullptr;
                const bool for_activity = activity.find_nothrow(kv.first, false) != nullptr;
                if (!for_coverage && !wanted.count("activity"))
                    throw InputError("'" + kv.first + "' is an option of activity; add activity to checks");
                if (!for_activity && !unit.coverage)
                    throw InputError("'" + kv.first + "' is an option of coverage; add coverage to checks");
            }
            if (unit.coverage) {
                std::vector<std::string> args = arguments_for(settings, coverage, job.dir);
                unit.coverage_options = coverage_options_from(parse_arguments(args, coverage));
            }
            if (wanted.count("activity")) {
                std::vector<std::string> args = arguments_for(settings, activity, job.dir);
                args.push_back("--out=activity.gpkg"); // placed in the unit's folder by the batch
                unit.activity = activity_options_from(parse_arguments(args, activity));
            }
        } catch (const InputError& e) {
            unit.setup_error = e.what();
        }
        units.push_back(std::move(unit));
    }
    return units;
}

/// Progress of a batch: one redrawn line on a terminal, log lines otherwise.
class BatchProgress
{
public:
    BatchProgress(std::size_t units, bool quiet)
      : m_units(units)
      , m_quiet(quiet)
      , m_tty(stderr_is_terminal())
    {
    }
    ~BatchProgress()
    {
        if (m_line_open)
            std::fputc('\n', stderr);
    }

    void started(const std::string& unit)
    {
        m_running[unit] = 0.0;
        if (!m_quiet && !m_tty)
            std::fprintf(stderr, "unit %s: started\n", unit.c_str());
        redraw();
    }
    bool progress(const std::string& unit, double f, const std::string&)
    {
        if (interrupted())
            return false;
        m_running[unit] = f;
        redraw();
        return true;
    }
    void finished(const UnitSummary& s)
    {
        m_running.erase(s.name);
        ++m_done;
        if (!m_quiet) {
            if (m_line_open) {
                std::fputc('\r', stderr);
                std::fprintf(stderr, "%-100s\r", "");
            }
            std::string targets = s.targets.empty() ? "" : (s.all_pass() ? ", all targets met" : ", a target missed");
            std::fprintf(stderr, "unit %s: %s%s%s\n", s.name.c_str(), s.status.c_str(), targets.c_str(),
                         s.error.empty() ? "" : (": " + s.error).c_str());
            m_line_open = false;
        }
        redraw();
    }

private:
    void redraw()
    {
        if (m_quiet || !m_tty)
            return;
        std::string line = "[" + std::to_string(m_done) + "/" + std::to_string(m_units) + " done]";
        for (const auto& kv : m_running)
            line += " " + kv.first + " " + std::to_string(int(kv.second * 100)) + "%";
        std::fprintf(stderr, "\r%-100s", line.substr(0, 100).c_str());
        std::fflush(stderr);
        m_line_open = true;
    }
    std::size_t m_units, m_done = 0;
    bool m_quiet, m_tty, m_line_open = false;
    std::map<std::string, double> m_running;
};

} // namespace

po::options_description batch_option_descriptions()
{
    po::options_description options("Options");
    options.add_options()("config", po::value<std::string>()->value_name("JOB.ini"), "the job file (required)")(
      "out-dir", po::value<std::string>()->value_name("DIR"), "where the units' folders and the summary go (required)")(
      "jobs", po::value<int>()->default_value(1)->value_name("N"), "units run at once")(
      "force", "redo units even when nothing changed since their last run")("quiet,q", "no progress")(
      "help,h", "this help");
    return options;
}

BatchOptions batch_options_from(const po::variables_map& vm)
{
    for (const char* required : { "config", "out-dir" })
        if (!vm.count(required))
            throw InputError(std::string("--") + required + " is required (see redline batch --help)");
    const int jobs = vm["jobs"].as<int>();
    if (jobs < 1)
        throw InputError("--jobs must be at least 1");
    const JobFile job = read_job_file(vm["config"].as<std::string>());
    BatchOptions batch;
    batch.job_file = job.path;
    batch.out_dir = vm["out-dir"].as<std::string>();
    batch.jobs = jobs;
    batch.force = vm.count("force") > 0;
    batch.units = build_units(job);
    return batch;
}

BatchObserver batch_progress_observer(std::size_t units, bool quiet)
{
    auto progress = std::make_shared<BatchProgress>(units, quiet);
    BatchObserver observer;
    observer.started = [progress](const std::string& u) { progress->started(u); };
    observer.progress = [progress](const std::string& u, double f, const std::string& s) {
        return progress->progress(u, f, s);
    };
    observer.finished = [progress](const UnitSummary& s) { progress->finished(s); };
    return observer;
}

void print_batch_table(const BatchResult& result, const BatchOptions& batch)
{
    std::printf("%-24s %-12s %10s %10s %10s %10s  %s\n", "unit", "status", "area km²", "redline %", "protect %",
                "forest %", "targets");
    for (const auto& u : result.units) {
        auto p = [](const std::optional<double>& v) { return v ? fixed(*v, 2) : std::string("-"); };
        std::string targets;
        for (const auto& t : u.targets)
            targets += (t.pass ? "PASS " : "FAIL ") + t.key + (t.kind == "verify" ? "=" : ">=") + fixed(t.target_pct, 2) + "  ";
        std::printf("%-24s %-12s %10.2f %10s %10s %10s  %s\n", u.name.c_str(), u.status.c_str(), u.area_m2 / 1e6,
                    p(u.redline_pct).c_str(), p(u.protected_pct).c_str(), p(u.forest_pct).c_str(), targets.c_str());
        if (!u.error.empty())
            std::printf("    %s\n", u.error.c_str());
    }
    std::printf("\nWrote %s/summary.json, summary.csv, report.html and one folder per unit.\n", batch.out_dir.c_str());
}

int batch_command(const std::vector<std::string>& args)
{
    const po::options_description options = batch_option_descriptions();
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(options).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError(std::string(e.what()) + "; see redline batch --help");
    }
    if (vm.count("help") || args.empty()) {
        std::cout << usage << "\n" << options << std::flush;
        return 0;
    }
    const BatchOptions batch = batch_options_from(vm);
    const BatchResult result = run_batch(batch, batch_progress_observer(batch.units.size(), vm.count("quiet") > 0));
    print_batch_table(result, batch);
    if (result.interrupted)
        return 130;
    return result.exit_status();
}

} // namespace redline::cli
