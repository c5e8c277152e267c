// How a plan sizes its shards: the default count from the cells, the requested count clamped to
// the tiles, ranges that cover every tile once, balanced by weight.
#include "shards/shard_sizing.h"

#include <gtest/gtest.h>

using namespace redline;

TEST(ShardSizing, OneShardPerBlockOfCellsRoundedUp)
{
    EXPECT_EQ(shards_for_cells({}, coverage_cells_per_shard), 0u);
    EXPECT_EQ(shards_for_cells({ 1.0 }, coverage_cells_per_shard), 1u);
    EXPECT_EQ(shards_for_cells({ coverage_cells_per_shard, 1.0 }, coverage_cells_per_shard), 2u);
    EXPECT_EQ(shards_for_cells({ 3 * activity_cells_per_shard }, activity_cells_per_shard), 3u);
}

TEST(ShardSizing, DefaultCountIsAtLeastOneAndAtMostAThousand)
{
    const std::vector<double> weights(5000, 1.0);
    EXPECT_EQ(plan_shards(weights, 0, std::nullopt).size(), 1u);
    EXPECT_EQ(plan_shards(weights, 4000, std::nullopt).size(), max_default_shards);
    EXPECT_EQ(plan_shards(weights, 4000, std::size_t(2000)).size(), 2000u); // asked for: no cap
}

TEST(ShardSizing, NeverMoreShardsThanTiles)
{
    EXPECT_EQ(plan_shards({ 1.0, 1.0, 1.0 }, 1, std::size_t(8)).size(), 3u);
}

TEST(ShardSizing, NoTilesGivesOneEmptyShardForTheMerge)
{
    const std::vector<PlanShard> s = plan_shards({}, 4, std::nullopt);
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].first, 0u);
    EXPECT_EQ(s[0].end, 0u);
}

TEST(ShardSizing, RangesCoverEveryTileOnceWithTheirWeights)
{
    const std::vector<double> weights{ 5, 1, 1, 1, 1, 1, 5, 2 };
    const std::vector<PlanShard> s = plan_shards(weights, 3, std::nullopt);
    ASSERT_EQ(s.size(), 3u);
    std::size_t next = 0;
    double total = 0;
    for (std::size_t k = 0; k < s.size(); ++k) {
        EXPECT_EQ(s[k].index, int(k));
        EXPECT_EQ(s[k].first, next);
        EXPECT_GT(s[k].end, s[k].first);
        next = s[k].end;
        total += s[k].weight;
    }
    EXPECT_EQ(next, weights.size());
    EXPECT_DOUBLE_EQ(total, 17.0);
}
