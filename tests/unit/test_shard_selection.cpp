// Which shards a process runs: lists as sbatch writes them, scheduler variables, balanced tiles.
#include "error.h"
#include "shard_selection.h"

#include <gtest/gtest.h>

#include <map>
#include <numeric>

using namespace redline;

namespace {
/// A fake environment for shards_from_environment().
struct Env
{
    std::map<std::string, std::string> vars;
    std::function<const char*(const char*)> getter() const
    {
        return [this](const char* name) -> const char* {
            const auto it = vars.find(name);
            return it == vars.end() ? nullptr : it->second.c_str();
        };
    }
};
} // namespace

TEST(ShardList, ParsesWhatSbatchTakes)
{
    EXPECT_EQ(parse_shard_list("3", 8, "--shard"), (std::vector<int>{ 3 }));
    EXPECT_EQ(parse_shard_list("0,4-6,2", 8, "--shard"), (std::vector<int>{ 0, 2, 4, 5, 6 }));
    EXPECT_EQ(parse_shard_list("1-3%2", 8, "--shard"), (std::vector<int>{ 1, 2, 3 }));
    EXPECT_EQ(parse_shard_list("2,2,1-2", 8, "--shard"), (std::vector<int>{ 1, 2 }));
    EXPECT_THROW(parse_shard_list("8", 8, "--shard"), InputError);
    EXPECT_THROW(parse_shard_list("3-1", 8, "--shard"), InputError);
    EXPECT_THROW(parse_shard_list("a", 8, "--shard"), InputError);
    EXPECT_THROW(parse_shard_list("", 8, "--shard"), InputError);
    EXPECT_THROW(parse_shard_list("-1", 8, "--shard"), InputError);
    try {
        parse_shard_list("0-9", 4, "--shard");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("4 shards (0-3)"), std::string::npos) << e.what();
    }
}

TEST(ShardList, FormatsRunsAsRangesAndRoundTrips)
{
    EXPECT_EQ(format_shard_list({}), "");
    EXPECT_EQ(format_shard_list({ 5 }), "5");
    EXPECT_EQ(format_shard_list({ 1, 3 }), "1,3");
    EXPECT_EQ(format_shard_list({ 1, 2 }), "1,2");
    EXPECT_EQ(format_shard_list({ 6, 0, 4, 5, 1, 2, 9 }), "0-2,4-6,9");
    const std::vector<int> shards{ 0, 1, 2, 7, 9, 10, 11, 12, 30 };
    EXPECT_EQ(parse_shard_list(format_shard_list(shards), 31, "x"), shards);
}

TEST(ShardEnvironment, ArrayIndicesFromEveryEngine)
{
    for (const char* name : { "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX", "PBS_ARRAY_INDEX" }) {
        Env env;
        env.vars[name] = "4";
        const auto a = shards_from_environment(env.getter(), 10);
        ASSERT_TRUE(a) << name;
        EXPECT_EQ(a->shards, (std::vector<int>{ 4 })) << name;
        EXPECT_EQ(a->source, std::string(name) + "=4");
    }
    // Grid Engine and LSF count from 1.
    for (const char* name : { "SGE_TASK_ID", "LSB_JOBINDEX" }) {
        Env env;
        env.vars[name] = "1";
        EXPECT_EQ(shards_from_environment(env.getter(), 10)->shards, (std::vector<int>{ 0 })) << name;
        env.vars[name] = "10";
        EXPECT_EQ(shards_from_environment(env.getter(), 10)->shards, (std::vector<int>{ 9 })) << name;
        env.vars[name] = "11";
        EXPECT_THROW(shards_from_environment(env.getter(), 10), InputError) << name;
    }
    // Outside arrays SGE says "undefined" and LSF 0: not an index.
    Env outside;
    outside.vars["SGE_TASK_ID"] = "undefined";
    outside.vars["LSB_JOBINDEX"] = "0";
    EXPECT_FALSE(shards_from_environment(outside.getter(), 10));
    EXPECT_FALSE(shards_from_environment(Env{}.getter(), 10));
}

TEST(ShardEnvironment, ArrayIndexBeyondThePlanIsRefused)
{
    Env env;
    env.vars["SLURM_ARRAY_TASK_ID"] = "12";
    try {
        shards_from_environment(env.getter(), 12);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("0-11"), std::string::npos) << e.what();
    }
    env.vars["SLURM_ARRAY_TASK_ID"] = "x1";
    EXPECT_THROW(shards_from_environment(env.getter(), 12), InputError);
}

TEST(ShardEnvironment, RanksTakeEverySizethShard)
{
    Env mpi;
    mpi.vars["OMPI_COMM_WORLD_RANK"] = "1";
    mpi.vars["OMPI_COMM_WORLD_SIZE"] = "3";
    EXPECT_EQ(shards_from_environment(mpi.getter(), 8)->shards, (std::vector<int>{ 1, 4, 7 }));
    Env pmi;
    pmi.vars["PMI_RANK"] = "0";
    pmi.vars["PMI_SIZE"] = "2";
    EXPECT_EQ(shards_from_environment(pmi.getter(), 3)->shards, (std::vector<int>{ 0, 2 }));
    Env srun;
    srun.vars["SLURM_PROCID"] = "5";
    srun.vars["SLURM_NTASKS"] = "8";
    EXPECT_EQ(shards_from_environment(srun.getter(), 4)->shards, std::vector<int>{}); // more ranks than shards
    // An array index wins over a rank: an sbatch array task also has SLURM_PROCID=0.
    srun.vars["SLURM_ARRAY_TASK_ID"] = "2";
    EXPECT_EQ(shards_from_environment(srun.getter(), 4)->shards, (std::vector<int>{ 2 }));
    Env bad;
    bad.vars["PMI_RANK"] = "2";
    bad.vars["PMI_SIZE"] = "2";
    EXPECT_THROW(shards_from_environment(bad.getter(), 4), InputError);
}

TEST(PartitionByWeight, ContiguousNonEmptyAndBalanced)
{
    std::vector<double> w(100);
    for (std::size_t i = 0; i < w.size(); ++i)
        w[i] = 1.0 + double(i % 7); // uneven
    const double total = std::accumulate(w.begin(), w.end(), 0.0);
    for (std::size_t groups : { 1u, 2u, 3u, 7u, 10u, 99u, 100u, 150u }) {
        const auto parts = partition_by_weight(w, groups);
        ASSERT_EQ(parts.size(), std::min<std::size_t>(groups, w.size()));
        std::size_t next = 0;
        double heaviest = 0;
        for (const auto& p : parts) {
            EXPECT_EQ(p.first, next);
            EXPECT_LT(p.first, p.second);
            next = p.second;
            heaviest = std::max(heaviest, std::accumulate(w.begin() + long(p.first), w.begin() + long(p.second), 0.0));
        }
        EXPECT_EQ(next, w.size());
        // No group heavier than its fair share plus one item's weight (at most 7).
        EXPECT_LE(heaviest, total / double(parts.size()) + 7.0) << groups << " groups";
    }
    EXPECT_TRUE(partition_by_weight({}, 4).empty());
    // Zero weights (tiles of empty windows) still spread.
    EXPECT_EQ(partition_by_weight(std::vector<double>(6, 0.0), 3).size(), 3u);
}
