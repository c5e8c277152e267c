#pragma once

#include "activity/activity_job.h"
#include "batch/batch_job.h"
#include "coverage/coverage_job.h"

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace redline::cli {

/// Each subcommand takes its arguments (without the program and command names) and returns
/// the process exit status; errors are thrown and mapped to their status (2-5, 130) by main()
/// (exit_status.h).
int coverage_command(const std::vector<std::string>& args);
int classes_command(const std::vector<std::string>& args);
int activity_command(const std::vector<std::string>& args);
int ledger_command(const std::vector<std::string>& args);
int batch_command(const std::vector<std::string>& args);
int diff_command(const std::vector<std::string>& args);
int plan_command(const std::vector<std::string>& args);
int run_command(const std::vector<std::string>& args);
int missing_command(const std::vector<std::string>& args);
int merge_command(const std::vector<std::string>& args);

/// The options of `redline coverage` (also the keys of its option files).
boost::program_options::options_description coverage_option_descriptions();
/// Turns parsed options into CoverageOptions; every malformed value is an InputError naming it.
CoverageOptions coverage_options_from(const boost::program_options::variables_map& vm);

/// The options of `redline activity`, and their conversion (see the coverage pair above).
boost::program_options::options_description activity_option_descriptions();
ActivityOptions activity_options_from(const boost::program_options::variables_map& vm);

/// What `redline coverage` prints after a run.
void print_coverage_summary(const CoverageResult& result, const CoverageOptions& options);
/// What `redline activity` prints after a run.
void print_activity_summary(const ActivityResult& result, const ActivityOptions& options);

/// The options of `redline batch`, and the batch they describe (job file read, units built).
boost::program_options::options_description batch_option_descriptions();
BatchOptions batch_options_from(const boost::program_options::variables_map& vm);
/// Progress of a batch on stderr (one redrawn line on a terminal, log lines otherwise).
BatchObserver batch_progress_observer(std::size_t units, bool quiet);
/// What `redline batch` prints at its end.
void print_batch_table(const BatchResult& result, const BatchOptions& batch);

} // namespace redline::cli
