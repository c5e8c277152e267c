#pragma once

#include <exception>
#include <string>

namespace redline::cli {

/// The exit statuses of every command (README "Exit status"; the rule between 2 and 3 is in
/// main.cpp and docs/architecture.md).
enum ExitStatus : int
{
    exit_ok = 0,             ///< every target met (or nothing to check)
    exit_target_missed = 1,  ///< a target missed (diff: the area decreased or changed type; missing: shards missing)
    exit_bad_input = 2,      ///< bad input: a file, layer, feature or option, output paths checked before the work
    exit_output_failed = 3,  ///< an output could not be written once the work had started
    exit_out_of_memory = 4,  ///< std::bad_alloc
    exit_internal = 5,       ///< any other exception: a bug
    exit_interrupted = 130,  ///< Ctrl-C (Cancelled)
};

/// @brief What main() prints and returns for an exception that ended a command.
struct FailureReport
{
    int status = exit_internal;
    std::string message; ///< printed to stderr as it is (starts and ends with a newline)
};

/// The exit status and the message for @p e: a Cancelled (130), a redline Error (2, or 3 for an
/// OutputError), std::bad_alloc (4), any other std::exception or anything else thrown (5).
FailureReport report_failure(std::exception_ptr e);

} // namespace redline::cli
