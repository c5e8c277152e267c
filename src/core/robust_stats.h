#pragma once

#include <vector>

namespace redline {

/// @brief Median and robust spread (1.4826 × median absolute deviation) of a sample.
struct RobustStats
{
    double median = 0;
    double sigma = 1;
};

/// Robust statistics of @p values, which are overwritten (reordered, then replaced by deviations).
RobustStats robust_stats(std::vector<float>& values);

} // namespace redline
