#pragma once

#include "batch/unit_fingerprint.h"

#include <string>
#include <utility>
#include <vector>

namespace redline::cli {

/// @brief A `redline batch` job file: plain INI, a [defaults] section and one [unit.NAME] section
/// per unit, whose keys are the long option names of the commands.
///
/// It is read in the CLI, with Boost.Program_options' own INI parser, because it is a file of
/// command-line options: its keys are checked against the commands' option descriptions and
/// become their arguments (batch_command.cpp); the library floors do not link Boost.
struct JobFile
{
    std::string path, dir; ///< the file, and the folder its relative paths are relative to
    Settings defaults;
    std::vector<std::pair<std::string, Settings>> units; // in file order
};

/// Reads @p path; refuses (InputError naming --config and the file) a file that cannot be
/// opened or parsed, a key outside any section, an unknown section, or no unit.
JobFile read_job_file(const std::string& path);

/// The unit's settings: its own keys replace the defaults' values of the same key (all of them:
/// a repeated key such as `target` is replaced as a whole).
Settings merged(const Settings& defaults, const Settings& unit);

} // namespace redline::cli
