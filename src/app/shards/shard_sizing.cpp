#include "shards/shard_sizing.h"

#include "shard_selection.h"

#include <algorithm>
#include <cmath>

namespace redline {

std::size_t shards_for_cells(const std::vector<double>& cells, double cells_per_shard)
{
    double total = 0;
    for (double w : cells)
        total += w;
    return std::size_t(std::ceil(total / cells_per_shard));
}

std::vector<PlanShard> plan_shards(const std::vector<double>& weights, std::size_t default_shards,
                                   std::optional<std::size_t> requested)
{
    std::size_t shards = requested ? *requested : std::min(max_default_shards, std::max<std::size_t>(1, default_shards));
    shards = std::max<std::size_t>(1, std::min(shards, std::max<std::size_t>(1, weights.size())));
    std::vector<PlanShard> out;
    if (weights.empty()) {
        out.push_back(PlanShard{ 0, 0, 0, 0.0 });
        return out;
    }
    int k = 0;
    for (const auto& range : partition_by_weight(weights, shards)) {
        PlanShard s;
        s.index = k++;
        s.first = range.first;
        s.end = range.second;
        for (std::size_t i = s.first; i < s.end; ++i)
            s.weight += weights[i];
        out.push_back(s);
    }
    return out;
}

} // namespace redline
