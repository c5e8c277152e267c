#pragma once

#include "batch/batch_job.h"

#include <cstddef>
#include <string>
#include <vector>

namespace redline {

/// Runs units [first, end) of a batch (each into OUT_DIR/NAME, as `redline batch` does) and
/// returns their summaries as JSON text: a shard of a cluster run whose tiles are the units.
std::string run_batch_shard(const BatchOptions& options, const BatchObserver& observer, std::size_t first,
                            std::size_t end);

/// Collects the shards' unit summaries (in the job file's order) and writes summary.json,
/// summary.csv and report.html, as `redline batch` does at its end.
BatchResult merge_batch_shards(const BatchOptions& options, const std::vector<std::string>& shard_results);

} // namespace redline
