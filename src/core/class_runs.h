#pragma once

#include "linear_areas.h"

#include <cstdint>

namespace redline {

/// @brief Adds the cells [begin, end) of a row of byte values (indexed by column), weighed by
/// @p areas, to @p sums (eight banks of 256 sums by value, which the caller adds together in a
/// fixed order), a run of equal values at a time.
///
/// Categorical rasters are piecewise constant: a run of n cells then costs one addition, n × the
/// area at its middle, instead of n additions that each wait on the store of the one before
/// (perf: weighing cells one by one cost as much as decoding them at municipality size). Runs
/// are found sixteen cells at a time (SSE2) by comparing each cell with its left neighbour. The
/// sums equal adding the cells one by one up to rounding (a few 1e-16 of each run), and are the
/// same whatever the threads. Worth it for long runs only (long_runs()).
void add_class_runs(const std::uint8_t* values, int begin, int end, const LinearAreas& areas, double* const sums[8]);

/// @brief Whether the runs of equal values in [begin, end) are long enough (16 cells on average)
/// for add_class_runs() to beat weighing cell by cell. Measured on rows of random runs: runs of
/// 30 cells weigh 1.3× faster, 15 break even, 3-8 up to 1.5× slower (a branch miss per run).
bool long_runs(const std::uint8_t* values, int begin, int end);

} // namespace redline
