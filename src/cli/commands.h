#pragma once

#include <string>
#include <vector>

namespace redline::cli {

/// Each subcommand takes its arguments (without the program and command names) and returns
/// the process exit status; errors are thrown and mapped to status 2 by main().
int coverage_command(const std::vector<std::string>& args);
int classes_command(const std::vector<std::string>& args);
int activity_command(const std::vector<std::string>& args);

} // namespace redline::cli
