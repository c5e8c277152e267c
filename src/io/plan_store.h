#pragma once

#include "file_fingerprint.h"

#include <cstddef>
#include <string>
#include <vector>

namespace redline {

/// @brief One input option of a planned command and the files it consists of.
struct PlanInput
{
    std::string option; ///< e.g. "--landcover"
    std::string path;   ///< as the command reads it (absolute, or a GDAL virtual path)
    std::vector<FileFingerprint> files;
};

/// @brief One shard: a contiguous range of the plan's tiles (or, for a batch, of its units).
struct PlanShard
{
    int index = 0;
    std::size_t first = 0, end = 0; ///< tiles [first, end)
    double weight = 0;               ///< cells (or units) it holds, for balancing
};

/// @brief A plan: a command split into shards that any scheduler can run (see `redline plan`).
///
/// Stored as DIR/plan.json; shard k's result as DIR/results/shard-NNNNN.json, written atomically
/// and carrying the plan's id, so a result of another plan is never mistaken for this one's.
struct Plan
{
    static constexpr const char* format_name = "redline plan 1";

    std::string dir;
    std::string id;      ///< SHA-256 of the plan's content (command, arguments, inputs, tiling, shards, job)
    std::string version; ///< of the redline that made it
    std::string command; ///< coverage, activity or batch
    std::vector<std::string> arguments; ///< the command's options, paths absolute
    std::string created, created_on;    ///< UTC time and host, for people (not part of the id)
    std::vector<PlanInput> inputs;
    std::string tiling;     ///< what the tiles are, for people
    std::size_t tiles = 0;  ///< how many
    std::vector<PlanShard> shards;
    std::string job_json;   ///< command-specific data computed at plan time (JSON object text)

    int shard_count() const { return int(shards.size()); }
    std::string result_path(int shard) const;
};

/// Writes DIR/plan.json (atomically) after computing the plan's id; creates DIR/results. Refuses a
/// DIR that holds another plan's results unless @p replace (then they are removed).
void write_plan(Plan& plan, bool replace);

/// Reads DIR/plan.json; InputError naming DIR when it is missing, damaged or of another format.
Plan read_plan(const std::string& dir);

/// Checks that every input file still has the size and modification time the plan recorded;
/// InputError naming the first that does not (the plan must be made again).
void check_inputs_unchanged(const Plan& plan);

/// True when shard @p k has a complete result of this plan.
bool shard_done(const Plan& plan, int k);

/// Makes the plan's results folder if it is missing (a user may empty or remove it to run the
/// shards again); InputError naming it when it cannot be made or written. Called before a shard
/// runs, so that an unwritable plan folder surfaces before the work, not after it.
void ensure_results_folder(const Plan& plan);

/// The shards without a complete result, in increasing order.
std::vector<int> missing_shards(const Plan& plan);

/// Writes shard @p k's result (a JSON object's text) atomically, stamped with the plan's id.
void write_shard_result(const Plan& plan, int k, const std::string& result_json, double seconds);

/// Shard @p k's result (the JSON object text given to write_shard_result); InputError when absent.
std::string read_shard_result(const Plan& plan, int k);

} // namespace redline
