#include "batch/batch_job.h"

#include "atomic_file.h"
#include "batch/batch_report.h"
#include "coverage/coverage_outputs.h"
#include "error.h"
#include "gdal_error.h"
#include "report_json.h"

#include <cpl_json.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace redline {

bool UnitSummary::all_pass() const
{
    for (const auto& t : targets)
        if (!t.pass)
            return false;
    return true;
}

int UnitSummary::exit_status() const
{
    if (status == "failed")
        return int(failure);
    if (status == "interrupted")
        return 2;
    return all_pass() ? 0 : 1;
}

int BatchResult::exit_status() const
{
    // The statuses are ordered by how bad they are: the highest wins.
    int worst = 0;
    for (const auto& u : units)
        worst = std::max(worst, u.exit_status());
    return worst;
}

namespace {

const char* const stamp_name = ".redline-stamp.json";

std::string read_file(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The summary of the unit's last complete run, when its fingerprint is @p fingerprint and
/// every output it listed is still there.
bool unchanged_since_last_run(const fs::path& dir, const std::string& fingerprint, const fs::path& out_dir,
                              UnitSummary& summary)
{
    std::error_code ec;
    const fs::path stamp = dir / stamp_name;
    if (!fs::is_regular_file(stamp, ec))
        return false;
    CPLJSONDocument doc;
    if (!doc.LoadMemory(read_file(stamp)) || doc.GetRoot().GetString("fingerprint") != fingerprint)
        return false;
    const std::string text = doc.GetRoot().GetObj("summary").Format(CPLJSONObject::PrettyFormat::Plain);
    if (!unit_summary_from_json(text, summary) || summary.status != "done")
        return false;
    for (const auto& o : summary.outputs)
        if (!fs::exists(out_dir / o, ec))
            return false;
    return true;
}

/// Points a unit's outputs into its folder; the option files of the unit say nothing of them.
void place_outputs(BatchUnit& unit, const fs::path& dir)
{
    CoverageOptions& c = unit.coverage_options;
    c.out_gpkg = (dir / "coverage.gpkg").string();
    c.json_path = (dir / "coverage.json").string();
    c.csv_path = (dir / "coverage.csv").string();
    if (unit.activity) {
        unit.activity->out_gpkg = (dir / "activity.gpkg").string();
        unit.activity->json_path = (dir / "activity.json").string();
        unit.activity->csv_path = (dir / "activity.csv").string();
    }
}

/// The stamp says the unit's last run completed, with which fingerprint and summary; a re-run
/// with the same fingerprint skips the unit.
void write_stamp(const fs::path& dir, const std::string& fingerprint, const UnitSummary& summary)
{
    JsonWriter j;
    j.begin_object();
    j.field("fingerprint", fingerprint);
    j.key("summary");
    unit_summary_json(j, summary);
    j.end_object();
    write_file_atomically((dir / stamp_name).string(), j.str(), "--out-dir");
}

/// A unit's failure, classed as main() classes a single run's failure (exit_status.h).
void record_failure(UnitSummary& summary, const std::exception& e)
{
    summary.status = "failed";
    summary.failure = failure_class(e);
    switch (summary.failure) {
    case FailureClass::input:
    case FailureClass::output:
        summary.error = e.what();
        break;
    case FailureClass::out_of_memory:
        summary.error = "out of memory";
        break;
    case FailureClass::internal:
        summary.error = std::string("internal failure: ") + e.what();
        break;
    }
}

UnitSummary run_unit(BatchUnit unit, const BatchOptions& options, const BatchObserver& observer, int threads)
{
    UnitSummary summary;
    summary.name = unit.name;
    const fs::path out_dir(options.out_dir);
    const fs::path dir = out_dir / unit.name;
    if (!unit.setup_error.empty()) {
        summary.status = "failed";
        summary.error = unit.setup_error;
        return summary;
    }
    if (!options.force && unchanged_since_last_run(dir, unit.fingerprint, out_dir, summary)) {
        summary.status = "skipped";
        return summary;
    }
    if (observer.started)
        observer.started(unit.name);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        // Before the unit's work, as check_output_path: its output folder cannot be used (bad input).
        summary.status = "failed";
        summary.failure = FailureClass::input;
        summary.error = "--out-dir " + options.out_dir + ": cannot create " + dir.string() + " (" + ec.message() + ")";
        return summary;
    }
    fs::remove(dir / stamp_name, ec); // the unit is being redone: its old stamp no longer holds
    place_outputs(unit, dir);

    const GeosContext ctx;
    double share = unit.activity ? 0.5 : 1.0;
    auto progress = [&](double base) {
        return ProgressFn([&, base](double f, const std::string& stage) {
            return !observer.progress || observer.progress(unit.name, base + share * f, stage);
        });
    };
    std::vector<const GEOSGeometry*> zone_geometries, patch_geometries;
    GeomPtr district, redline;
    std::optional<CoverageResult> coverage;
    std::optional<ActivityResult> activity;
    try {
        summary.status = "done";
        if (unit.coverage) {
            unit.coverage_options.threads = threads;
            coverage = run_coverage(unit.coverage_options, ctx, progress(0.0));
            write_coverage_outputs(*coverage, unit.coverage_options, ctx);
            summarise_coverage(*coverage, summary);
            for (const auto* path : { &unit.coverage_options.out_gpkg, &unit.coverage_options.json_path,
                                      &unit.coverage_options.csv_path })
                summary.outputs.push_back(fs::relative(*path, out_dir).string());
            district = clone(ctx, coverage->district.geometry.get());
            for (const auto& z : coverage->zones)
                zone_geometries.push_back(z.geometry.get());
            const auto it = coverage->layers.find("redline");
            if (it != coverage->layers.end() && it->second.figures)
                redline = it->second.figures->inside_parts.collect(ctx);
        }
        if (unit.activity) {
            unit.activity->threads = threads;
            activity = run_activity(*unit.activity, ctx, progress(unit.coverage ? 0.5 : 0.0));
            write_activity_outputs(*activity, *unit.activity, ctx, progress(unit.coverage ? 0.95 : 0.9));
            summarise_activity(*activity, summary);
            for (const auto* path : { &unit.activity->out_gpkg, &unit.activity->json_path, &unit.activity->csv_path })
                summary.outputs.push_back(fs::relative(*path, out_dir).string());
            for (const auto& p : activity->patches)
                patch_geometries.push_back(p.geometry.get());
        }
        write_file_atomically((dir / "map.svg").string(),
                              unit_map_svg(ctx, district.get(), zone_geometries, redline.get(), patch_geometries),
                              "--out-dir");
        summary.outputs.push_back(fs::relative(dir / "map.svg", out_dir).string());
        // The stamp comes last: a unit killed before this line runs again next time.
        write_stamp(dir, unit.fingerprint, summary);
    } catch (const Cancelled&) {
        summary.status = "interrupted";
        summary.error = "interrupted before the unit finished; its outputs were not replaced";
    } catch (const std::exception& e) {
        record_failure(summary, e);
    }
    return summary;
}

} // namespace

BatchResult run_batch(const BatchOptions& options, const BatchObserver& observer)
{
    BatchResult result = run_batch_units(options, observer, 0, options.units.size());
    write_batch_summary(result, options);
    return result;
}

BatchResult run_batch_units(const BatchOptions& options, const BatchObserver& observer, std::size_t first, std::size_t end)
{
    gdal_init();
    end = std::min(end, options.units.size());
    first = std::min(first, end);
    BatchResult result;
    result.units.resize(end - first);
    std::error_code ec;
    fs::create_directories(options.out_dir, ec);
    if (ec || !fs::is_directory(options.out_dir, ec)) // before any unit: the option cannot be used
        throw InputError("--out-dir " + options.out_dir + ": cannot create the folder (" + ec.message() + ")");

    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const int jobs = std::max(1, std::min(int(end - first), options.jobs));
    // Units in parallel share the cores: each raster pass gets its share.
    const int threads_per_unit = std::max(1, int(cores) / jobs);
    std::atomic<std::size_t> next{ first };
    std::atomic<bool> stop{ false };
    std::mutex report;
    BatchObserver guarded = observer;
    guarded.progress = [&](const std::string& unit, double f, const std::string& stage) {
        std::lock_guard<std::mutex> lock(report);
        const bool go_on = !stop && (!observer.progress || observer.progress(unit, f, stage));
        if (!go_on)
            stop = true;
        return go_on;
    };
    guarded.started = [&](const std::string& unit) {
        std::lock_guard<std::mutex> lock(report);
        if (observer.started)
            observer.started(unit);
    };
    auto worker = [&] {
        while (true) {
            const std::size_t i = next++;
            if (i >= end)
                return;
            UnitSummary s;
            if (stop) {
                s.name = options.units[i].name;
                s.status = "interrupted";
                s.error = "not started: the batch was interrupted";
            } else {
                s = run_unit(options.units[i], options, guarded, threads_per_unit);
            }
            std::lock_guard<std::mutex> lock(report);
            result.units[i - first] = s;
            if (observer.finished)
                observer.finished(s);
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < jobs; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
    result.interrupted = stop;
    return result;
}

} // namespace redline
