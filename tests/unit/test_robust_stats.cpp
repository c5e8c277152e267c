#include "robust_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace redline;

TEST(RobustStats, RobustStatsOfANormalSampleGiveItsMeanAndSigma)
{
    std::mt19937 rng(1);
    std::normal_distribution<float> n(3.0f, 2.0f);
    std::vector<float> v(200000);
    for (float& x : v)
        x = n(rng);
    std::vector<float> copy = v; // robust_stats overwrites its input
    const RobustStats clean = robust_stats(copy);
    EXPECT_NEAR(clean.median, 3.0, 0.02);
    EXPECT_NEAR(clean.sigma, 2.0, 0.03);
    // 2 % gross outliers move the median only to the 0.5 / 0.98 quantile: 3 + 2 × 0.02558.
    for (std::size_t i = 0; i < v.size(); i += 50)
        v[i] = 1000.0f;
    const RobustStats s = robust_stats(v);
    EXPECT_NEAR(s.median, 3.0512, 0.02);
    EXPECT_NEAR(s.sigma, 2.0, 0.1);
}
