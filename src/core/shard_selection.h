#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace redline {

/// Parses a shard list as `sbatch --array=` writes it ("0,3,5-7"; an optional "%LIMIT" suffix is
/// ignored) into sorted, unique indices; each must be below @p shard_count. Throws InputError
/// naming @p option.
std::vector<int> parse_shard_list(const std::string& text, int shard_count, const std::string& option);

/// The indices as `sbatch --array=` accepts them: sorted, runs of three or more as ranges
/// ("0,3,5-7"); "" when empty.
std::string format_shard_list(std::vector<int> shards);

/// @brief Which shards this process runs, and which variable said so.
struct ShardAssignment
{
    std::vector<int> shards;
    std::string source; ///< e.g. "SLURM_ARRAY_TASK_ID=3", "OMPI_COMM_WORLD_RANK=1 of OMPI_COMM_WORLD_SIZE=2"
};

/// The shards a scheduler's environment gives this process, or nothing when no known variable is
/// set. Array indices (one shard each), checked in this order: SLURM_ARRAY_TASK_ID,
/// JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs), AWS_BATCH_JOB_ARRAY_INDEX, PBS_ARRAY_INDEX
/// (from 0), SGE_TASK_ID and LSB_JOBINDEX (from 1); then ranks, which take every SIZE-th shard from
/// RANK: OMPI_COMM_WORLD_RANK/SIZE, PMI_RANK/PMI_SIZE, SLURM_PROCID/SLURM_NTASKS. The shard count
/// comes from the plan, never from the environment: an index at or beyond it is an InputError
/// (the array was submitted for another plan). @p getenv returns null for unset variables.
std::optional<ShardAssignment> shards_from_environment(const std::function<const char*(const char*)>& getenv,
                                                       int shard_count);

/// Splits items with the given weights (e.g. cells per tile) into at most @p groups contiguous,
/// non-empty ranges [first, last) of nearly equal total weight; deterministic.
std::vector<std::pair<std::size_t, std::size_t>> partition_by_weight(const std::vector<double>& weights,
                                                                     std::size_t groups);

} // namespace redline
