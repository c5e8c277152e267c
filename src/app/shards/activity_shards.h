#pragma once

#include "activity/activity_job.h"

#include <cstddef>
#include <string>
#include <vector>

namespace redline {

/// @brief An activity run's tiles, for a plan: rows of image blocks over the red line (a shard takes
/// whole rows, so that only the rows at its edges need joining), and the calibration every shard
/// shares.
struct ActivityTiling
{
    std::vector<double> cells; ///< per row of tiles
    std::string description;
    std::string calibration_json; ///< normalisation and thresholds, fitted once on the sample tiles
};

/// Opens and checks everything as `redline activity` does, lays out the rows of tiles and fits the
/// normalisation and thresholds (on the same sample tiles a single run uses).
ActivityTiling plan_activity_tiles(const ActivityOptions& options, const GeosContext& ctx, const ProgressFn& progress);

/// One shard: the change components of rows of tiles [first, end), with the plan's calibration.
std::string run_activity_shard(const ActivityOptions& options, const GeosContext& ctx,
                               const std::string& calibration_json, std::size_t first, std::size_t end,
                               std::size_t tiles, const ProgressFn& progress);

/// The shards' components joined across their edges (a patch cut by one becomes one patch again)
/// and made into patches exactly as a single run makes them.
ActivityResult merge_activity_shards(const ActivityOptions& options, const GeosContext& ctx,
                                     const std::string& calibration_json, const std::vector<std::string>& shard_results,
                                     std::size_t tiles, const ProgressFn& progress);

} // namespace redline
