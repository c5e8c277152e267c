#pragma once

#include <functional>
#include <string>

namespace redline {

/// Progress of a job: fraction done in [0, 1] and what is being done; return false to cancel
/// (the job then throws Cancelled).
using ProgressFn = std::function<bool(double fraction, const std::string& stage)>;

} // namespace redline
