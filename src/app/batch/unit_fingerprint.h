#pragma once

#include <string>
#include <utility>
#include <vector>

namespace redline {

/// @brief A unit's settings from a job file, key and value, in the file's order.
using Settings = std::vector<std::pair<std::string, std::string>>;

/// Options whose values are file paths (boundary, zones, redline, ..., before, after, masks),
/// resolved against the job file's folder.
const std::vector<std::string>& job_path_options();

/// A fingerprint of everything a unit's results depend on: its settings and its input files'
/// sizes and modification times (a Shapefile's sidecar files included), with redline's version:
/// a batch re-run skips a unit whose fingerprint is unchanged. FNV-1a of that text, in hex.
std::string unit_fingerprint(const Settings& settings, const std::string& job_dir);

} // namespace redline
