#pragma once

#include "plan_store.h"

#include <cstddef>
#include <optional>
#include <vector>

namespace redline {

/// Cells a coverage shard reads by default: about 256 Mpix of land cover.
constexpr double coverage_cells_per_shard = double(256 << 20);
/// Cells an activity shard reads by default: about 64 Mpix of each date.
constexpr double activity_cells_per_shard = double(64 << 20);
/// No plan has more shards than this unless asked for.
constexpr std::size_t max_default_shards = 1000;

/// How many shards a plan has by default: one per @p cells_per_shard of the tiles' cells, at least 1.
std::size_t shards_for_cells(const std::vector<double>& cells, double cells_per_shard);

/// The plan's shards: @p requested (else @p default_shards, at most max_default_shards), never
/// more than there are tiles, each a range of tiles balanced by @p weights; one empty shard when
/// there are no tiles (all the work is the merge's).
std::vector<PlanShard> plan_shards(const std::vector<double>& weights, std::size_t default_shards,
                                   std::optional<std::size_t> requested);

} // namespace redline
