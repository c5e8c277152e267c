#include "shard_selection.h"

#include "error.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace redline {

namespace {

/// A non-negative decimal integer, or nullopt.
std::optional<long> parse_index(const std::string& text)
{
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::strtol(text.c_str(), nullptr, 10);
}

} // namespace

std::vector<int> parse_shard_list(const std::string& text, int shard_count, const std::string& option)
{
    std::string list = text.substr(0, text.find('%')); // sbatch's "%LIMIT" (tasks at once)
    std::vector<int> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        const std::string item = list.substr(start, comma - start);
        const std::size_t dash = item.find('-');
        const auto first = parse_index(item.substr(0, dash));
        const auto last = dash == std::string::npos ? first : parse_index(item.substr(dash + 1));
        if (!first || !last || *last < *first)
            throw InputError(option + " " + text + ": '" + item +
                             "' is not a shard index or range; write e.g. 3 or 0,4-7 (shards count from 0)");
        if (*last >= shard_count)
            throw InputError(option + " " + text + ": shard " + std::to_string(*last) + " does not exist; the plan has " +
                             std::to_string(shard_count) + " shard" + (shard_count == 1 ? "" : "s") + " (0-" +
                             std::to_string(shard_count - 1) + ")");
        for (long k = *first; k <= *last; ++k)
            out.push_back(int(k));
        start = comma + 1;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string format_shard_list(std::vector<int> shards)
{
    std::sort(shards.begin(), shards.end());
    shards.erase(std::unique(shards.begin(), shards.end()), shards.end());
    std::string out;
    for (std::size_t i = 0; i < shards.size();) {
        std::size_t j = i;
        while (j + 1 < shards.size() && shards[j + 1] == shards[j] + 1)
            ++j;
        if (!out.empty())
            out += ',';
        if (j >= i + 2)
            out += std::to_string(shards[i]) + "-" + std::to_string(shards[j]);
        else
            for (std::size_t k = i; k <= j; ++k)
                out += (k > i ? "," : "") + std::to_string(shards[k]);
        i = j + 1;
    }
    return out;
}

std::optional<ShardAssignment> shards_from_environment(const std::function<const char*(const char*)>& getenv,
                                                       int shard_count)
{
    auto value = [&](const char* name) -> std::optional<std::string> {
        const char* v = getenv(name);
        if (!v || !*v)
            return std::nullopt;
        return std::string(v);
    };
    auto index_of = [&](const char* name, const std::string& text, long base) -> int {
        const auto i = parse_index(text);
        if (!i || *i < base)
            throw InputError(std::string(name) + "=" + text + " is not an array index" +
                             (base ? " (it counts from 1)" : "") + "; give the shard with --shard K");
        const long k = *i - base;
        if (k >= shard_count)
            throw InputError(std::string(name) + "=" + text + " names shard " + std::to_string(k) + ", but the plan has " +
                             std::to_string(shard_count) + " shard" + (shard_count == 1 ? "" : "s") + ": submit the array as 0-" +
                             std::to_string(shard_count - 1) + (base ? " (1-" + std::to_string(shard_count) + " for this engine)" : "") +
                             " (the count is printed by redline plan)");
        return int(k);
    };
    // Array indices: one shard per task.
    const std::pair<const char*, long> arrays[] = { { "SLURM_ARRAY_TASK_ID", 0 }, { "JOB_COMPLETION_INDEX", 0 },
                                                    { "AWS_BATCH_JOB_ARRAY_INDEX", 0 }, { "PBS_ARRAY_INDEX", 0 },
                                                    { "SGE_TASK_ID", 1 }, { "LSB_JOBINDEX", 1 } };
    for (const auto& a : arrays) {
        const auto v = value(a.first);
        if (!v)
            continue;
        // SGE sets "undefined" and LSF sets 0 outside array jobs.
        if ((std::string(a.first) == "SGE_TASK_ID" && *v == "undefined") ||
            (std::string(a.first) == "LSB_JOBINDEX" && *v == "0"))
            continue;
        return ShardAssignment{ { index_of(a.first, *v, a.second) }, std::string(a.first) + "=" + *v };
    }
    // Ranks: every size-th shard, starting at the rank.
    const std::pair<const char*, const char*> ranks[] = { { "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE" },
                                                          { "PMI_RANK", "PMI_SIZE" },
                                                          { "SLURM_PROCID", "SLURM_NTASKS" } };
    for (const auto& r : ranks) {
        const auto rank_text = value(r.first), size_text = value(r.second);
        if (!rank_text || !size_text)
            continue;
        const auto rank = parse_index(*rank_text), size = parse_index(*size_text);
        if (!rank || !size || *size < 1 || *rank >= *size)
            throw InputError(std::string(r.first) + "=" + *rank_text + ", " + r.second + "=" + *size_text +
                             " is not a rank and a size; give the shard with --shard K");
        ShardAssignment a;
        for (long k = *rank; k < shard_count; k += *size)
            a.shards.push_back(int(k));
        a.source = std::string(r.first) + "=" + *rank_text + " of " + r.second + "=" + *size_text;
        return a;
    }
    return std::nullopt;
}

std::vector<std::pair<std::size_t, std::size_t>> partition_by_weight(const std::vector<double>& weights,
                                                                     std::size_t groups)
{
    std::vector<std::pair<std::size_t, std::size_t>> out;
    const std::size_t n = weights.size();
    if (n == 0 || groups == 0)
        return out;
    groups = std::min(groups, n);
    double total = 0;
    for (double w : weights)
        total += std::max(0.0, w);
    std::size_t first = 0;
    double cumulative = 0;
    for (std::size_t g = 1; g <= groups && first < n; ++g) {
        const double goal = total * double(g) / double(groups);
        std::size_t last = first + 1; // every group takes at least one item
        cumulative += std::max(0.0, weights[first]);
        // Leave at least one item for each group still to come.
        while (last < n - (groups - g) && cumulative + std::max(0.0, weights[last]) * 0.5 <= goal) {
            cumulative += std::max(0.0, weights[last]);
            ++last;
        }
        if (g == groups)
            last = n;
        out.emplace_back(first, last);
        first = last;
    }
    return out;
}

} // namespace redline
