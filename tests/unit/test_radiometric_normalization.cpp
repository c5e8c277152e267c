#include "radiometric_normalization.h"

#include <gtest/gtest.h>

#include <random>

using namespace redline;

TEST(RadiometricNormalization, RecoversGainAndOffsetDespiteChangedPixels)
{
    // after = (before − offset) / gain + noise on unchanged pixels; 10 % of the pixels changed
    // completely. The fit maps after back onto before: before ≈ gain × after + offset.
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> reflectance(0.01f, 0.45f);
    std::normal_distribution<float> noise(0.0f, 0.002f);
    const std::vector<double> gain{ 0.87, 1.12, 0.95 }, offset{ -0.004, 0.006, 0.0 };
    const std::size_t n = 50000;
    std::vector<std::vector<float>> before(3, std::vector<float>(n)), after(3, std::vector<float>(n));
    for (std::size_t i = 0; i < n; ++i) {
        const bool changed = i % 10 == 0;
        for (std::size_t b = 0; b < 3; ++b) {
            before[b][i] = reflectance(rng);
            const float truth = changed ? reflectance(rng) : before[b][i];
            after[b][i] = float((truth - offset[b]) / gain[b]) + noise(rng);
        }
    }
    const std::vector<BandFit> fits = fit_relative_normalization(before, after);
    ASSERT_EQ(fits.size(), 3u);
    for (std::size_t b = 0; b < 3; ++b) {
        EXPECT_NEAR(fits[b].gain, gain[b], 0.005) << b;
        EXPECT_NEAR(fits[b].offset, offset[b], 0.002) << b;
        EXPECT_LT(fits[b].rmse, 0.004) << b; // the noise, not the changes
    }
}
