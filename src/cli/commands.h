#pragma once

#include "activity_job.h"
#include "coverage_job.h"

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace redline::cli {

/// Each subcommand takes its arguments (without the program and command names) and returns
/// the process exit status; errors are thrown and mapped to status 2 by main().
int coverage_command(const std::vector<std::string>& args);
int classes_command(const std::vector<std::string>& args);
int activity_command(const std::vector<std::string>& args);
int ledger_command(const std::vector<std::string>& args);
int batch_command(const std::vector<std::string>& args);
int diff_command(const std::vector<std::string>& args);

/// The options of `redline coverage` (also the keys of its option files).
boost::program_options::options_description coverage_option_descriptions();
/// Turns parsed options into CoverageOptions; every malformed value is an InputError naming it.
CoverageOptions coverage_options_from(const boost::program_options::variables_map& vm);

/// The options of `redline activity`, and their conversion (see the coverage pair above).
boost::program_options::options_description activity_option_descriptions();
ActivityOptions activity_options_from(const boost::program_options::variables_map& vm);

} // namespace redline::cli
