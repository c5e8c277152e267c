#pragma once

#include "activity/activity_job.h"
#include "coverage/coverage_job.h"
#include "error.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief One unit of a batch (a district or township) as the job file describes it.
struct BatchUnit
{
    std::string name;
    bool coverage = true;
    std::optional<ActivityOptions> activity;
    CoverageOptions coverage_options;
    /// What the unit's results depend on: its options as written and every input's size and
    /// modification time. A unit whose fingerprint matches its last run is not run again.
    std::string fingerprint;
    /// When the unit's options could not even be turned into a run (e.g. a bad value): the
    /// reason; the unit is reported as failed and the others still run.
    std::string setup_error;
};

/// @brief A batch: units, where their outputs go, how many run at once.
struct BatchOptions
{
    std::string job_file;
    std::string out_dir;
    std::vector<BatchUnit> units;
    int jobs = 1;
    bool force = false;
};

/// @brief One target of one unit, as the summary tables list it.
struct UnitTarget
{
    std::string key, kind;
    double target_pct = 0, actual_pct = 0, margin_pp = 0;
    bool pass = false;
};

/// @brief What a unit came to: its figures, checks and QA notes (also read back for skipped units).
struct UnitSummary
{
    std::string name;
    std::string status; ///< done, skipped (unchanged since the last run), failed, interrupted
    std::string error;
    /// When the unit failed: why, as the exit status a single run would give (2 bad input,
    /// 3 an output could not be written, 4 out of memory, 5 internal error).
    FailureClass failure = FailureClass::input;
    std::string district_name;
    double area_m2 = 0;
    std::optional<double> redline_pct, protected_pct, forest_pct;
    std::vector<UnitTarget> targets;
    std::vector<std::string> notes; ///< QA explanations and warnings
    std::optional<std::size_t> patches;
    double patch_area_m2 = 0;
    std::vector<std::string> outputs; ///< relative to the batch output folder
    bool all_pass() const;
    /// The exit status of this unit alone: 0 or 1 by its targets, the failure's class when it
    /// failed, 2 when it was interrupted (the batch itself then exits 130).
    int exit_status() const;
};

/// @brief The outcome of a batch.
struct BatchResult
{
    std::vector<UnitSummary> units;
    bool interrupted = false;
    /// The worst of the units' exit statuses: 0 every target of every unit met, 1 a target
    /// missed, 2 a unit could not be computed for bad input (or was interrupted), 3 a unit's output
    /// could not be written, 4 out of memory, 5 internal error.
    int exit_status() const;
};

/// Receives the batch's progress: a unit started, progressed, finished. Called from worker
/// threads, one call at a time. Return false from progress to stop the batch (Ctrl-C).
struct BatchObserver
{
    std::function<void(const std::string& unit)> started;
    std::function<bool(const std::string& unit, double fraction, const std::string& stage)> progress;
    std::function<void(const UnitSummary&)> finished;
};

/// Runs the units (jobs at a time), each into OUT_DIR/NAME, skipping units that have not changed,
/// then writes OUT_DIR/summary.json, summary.csv and report.html. A failing unit is reported and
/// the others still run.
BatchResult run_batch(const BatchOptions& options, const BatchObserver& observer);

/// Runs units [first, end) only (as run_batch does) and writes no summary: a shard of a cluster
/// run (see batch_shards.h).
BatchResult run_batch_units(const BatchOptions& options, const BatchObserver& observer, std::size_t first,
                            std::size_t end);

} // namespace redline
