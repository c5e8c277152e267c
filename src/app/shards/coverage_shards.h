#pragma once

#include "coverage/coverage_job.h"

#include <cstddef>
#include <string>
#include <vector>

namespace redline {

/// @brief A coverage run's tiles, for a plan: the land-cover raster's windows that meet the
/// district or a zone, in reading order (whole blocks of about a million cells each).
struct CoverageTiling
{
    std::vector<double> cells; ///< cells per tile, for balancing shards
    std::string description;
};

/// Opens and checks every input (as `redline coverage` does), prepares the units and numbers the
/// raster's tiles without reading them. No land-cover raster: no tiles (all the work is vector
/// work, done by the merge).
CoverageTiling plan_coverage_tiles(const CoverageOptions& options, const GeosContext& ctx, const ProgressFn& progress);

/// Runs one shard: every unit's class areas over tiles [first, end), as exact sums (JSON text).
/// @p tiles is the plan's tile count: a different count means the inputs or redline changed.
std::string run_coverage_shard(const CoverageOptions& options, const GeosContext& ctx, std::size_t first,
                               std::size_t end, std::size_t tiles, const ProgressFn& progress);

/// The whole coverage run with the raster pass replaced by the sum of the shards' results (in
/// any order: sums are exact), so the figures equal a single-process run's to the last digit.
CoverageResult merge_coverage_shards(const CoverageOptions& options, const GeosContext& ctx,
                                     const std::vector<std::string>& shard_results, std::size_t tiles,
                                     const ProgressFn& progress);

} // namespace redline
