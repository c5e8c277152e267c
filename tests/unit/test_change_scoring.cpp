// Band departures, their smoothed magnitude and the verdict on a cell, on tiny windows whose
// answers are worked out by hand.
#include "change_scoring.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace redline;

namespace {

/// A @p n × @p n window of @p bands bands, every cell valid, both dates reflectance @p value, noise
/// sigma @p sigma in every band (one stratum).
IndexWindow flat(int n, std::size_t bands, float value, float sigma)
{
    IndexWindow w;
    w.resize(n, n, bands);
    std::fill(w.valid.begin(), w.valid.end(), 1);
    for (std::size_t k = 0; k < bands; ++k) {
        std::fill(w.bands_before[k].begin(), w.bands_before[k].end(), value);
        std::fill(w.bands_after[k].begin(), w.bands_after[k].end(), value);
    }
    w.band_sigma = { std::vector<float>(bands, sigma) };
    return w;
}

std::size_t at(int cols, int r, int c)
{
    return std::size_t(r) * std::size_t(cols) + std::size_t(c);
}

} // namespace

TEST(ChangeScoring, AOnePixelRoadDepartsByItsWholeContrast)
{
    IndexWindow w = flat(5, 2, 0.1f, 0.01f);
    w.bands_after[0][at(5, 2, 2)] = 0.25f; // brighter in band 0
    w.bands_after[1][at(5, 2, 2)] = 0.04f; // darker in band 1
    std::vector<std::vector<float>> d;
    band_departures(w, d);
    ASSERT_EQ(d.size(), 2u);
    ASSERT_EQ(d[0].size(), 9u); // the 3 × 3 inner cells
    EXPECT_NEAR(d[0][at(3, 1, 1)], (0.25f - 0.1f) / 0.01f, 1e-3);
    EXPECT_NEAR(d[1][at(3, 1, 1)], (0.04f - 0.1f) / 0.01f, 1e-3); // signed: a fall is negative
    for (std::size_t i = 0; i < 9; ++i) {
        if (i != at(3, 1, 1)) {
            EXPECT_EQ(d[0][i], 0.0f) << i;
        }
    }
}

TEST(ChangeScoring, AnEdgeShiftedByHalfAPixelDepartsByNothing)
{
    // Before: 0.3 in the left three columns, 0.05 from column 3. After: the same edge shifted half
    // a pixel, so column 2 becomes the mixture 0.175: every after value lies within the range of
    // its before neighbourhood.
    IndexWindow w = flat(5, 1, 0.0f, 0.01f);
    for (int r = 0; r < 5; ++r)
        for (int c = 0; c < 5; ++c) {
            w.bands_before[0][at(5, r, c)] = c < 3 ? 0.3f : 0.05f;
            w.bands_after[0][at(5, r, c)] = c < 2 ? 0.3f : (c == 2 ? 0.175f : 0.05f);
        }
    std::vector<std::vector<float>> d;
    band_departures(w, d);
    for (float v : d[0])
        EXPECT_EQ(v, 0.0f);
}

TEST(ChangeScoring, InvalidCellsDepartByNothingAndAreNoNeighbours)
{
    IndexWindow w = flat(5, 1, 0.1f, 0.01f);
    w.valid[at(5, 1, 1)] = 0; // a cloud in the corner of the centre's neighbourhood
    w.bands_before[0][at(5, 1, 1)] = 0.9f;
    w.bands_after[0][at(5, 2, 2)] = 0.5f;
    w.valid[at(5, 3, 3)] = 0;
    w.bands_after[0][at(5, 3, 3)] = 0.7f;
    std::vector<std::vector<float>> d;
    band_departures(w, d);
    // The invalid 0.9 does not widen the range: the centre departs by (0.5 − 0.1) / 0.01.
    EXPECT_NEAR(d[0][at(3, 1, 1)], 40.0f, 1e-3);
    EXPECT_EQ(d[0][at(3, 2, 2)], 0.0f); // invalid itself
}

TEST(ChangeScoring, EachStratumMeasuresInItsOwnNoise)
{
    IndexWindow w = flat(5, 1, 0.1f, 0.0f);
    w.band_sigma = { { 0.01f }, { 0.04f } };
    std::fill(w.stratum.begin(), w.stratum.end(), 1); // a bright stratum: four times the noise
    w.bands_after[0][at(5, 2, 2)] = 0.3f;
    std::vector<std::vector<float>> d;
    band_departures(w, d);
    EXPECT_NEAR(d[0][at(3, 1, 1)], 0.2f / 0.04f, 1e-4);
}

TEST(ChangeScoring, TheMagnitudeIsTheRootMeanSquareAveragedOverValidNeighbours)
{
    // 6 × 6 window: 4 × 4 departure cells, 2 × 2 smoothed cells (window rows 2-3, columns 2-3).
    IndexWindow w = flat(6, 2, 0.1f, 0.01f);
    w.bands_after[0][at(6, 2, 2)] = 0.13f; // departs by 3 in band 0, 0 in band 1: RMS 3 / √2
    w.bands_after[1][at(6, 3, 3)] = 0.18f; // departs by 8 in band 1: RMS 8 / √2
    std::vector<std::vector<float>> d;
    band_departures(w, d);
    std::vector<float> m;
    smoothed_magnitude(w, d, m);
    ASSERT_EQ(m.size(), 4u);
    const float a = 3.0f / std::sqrt(2.0f), b = 8.0f / std::sqrt(2.0f);
    // Every smoothed cell's 3 × 3 neighbourhood holds both changed cells: (a + b) / 9.
    for (float v : m)
        EXPECT_NEAR(v, (a + b) / 9.0f, 1e-4);
    // With two invalid neighbours around cell (2, 3), its mean runs over the 7 valid ones.
    w.valid[at(6, 1, 4)] = 0;
    w.valid[at(6, 1, 3)] = 0;
    band_departures(w, d);
    smoothed_magnitude(w, d, m);
    EXPECT_NEAR(m[at(2, 0, 1)], (a + b) / 7.0f, 1e-4);
    EXPECT_NEAR(m[at(2, 1, 0)], (a + b) / 9.0f, 1e-4);
}

TEST(ChangeScoring, WaterStaysUnchangedAndDenseVegetationNeedsMore)
{
    ChangeThresholds t;
    t.threshold = 2.5;
    t.stays_vegetation_factor = 2.0;
    // Water in both dates (MNDWI > 0): its colour is no activity, whatever the magnitude.
    EXPECT_EQ(classify_pixel(t, 50.0f, -0.1f, -0.2f, 0.4f, 0.3f).score, 0.0f);
    // Forest that stays dense (autumn: NDVI 0.80 → 0.66) counts half.
    const PixelChange autumn = classify_pixel(t, 5.0f, 0.80f, 0.66f, -0.5f, -0.5f);
    EXPECT_NEAR(autumn.score, 5.0f / 2.5f / 2.0f, 1e-6);
    EXPECT_EQ(autumn.type, change_vegetation);
    // Forest cleared to bare soil counts in full.
    const PixelChange cleared = classify_pixel(t, 5.0f, 0.80f, 0.10f, -0.5f, -0.3f);
    EXPECT_NEAR(cleared.score, 2.0f, 1e-6);
    EXPECT_EQ(cleared.type, change_vegetation_to_bare);
}

TEST(ChangeScoring, TypesSayWhatTheLandWasAndBecame)
{
    ChangeThresholds t;
    auto type = [&](float ndvi_b, float ndvi_a, float water_b, float water_a) {
        return classify_pixel(t, 10.0f, ndvi_b, ndvi_a, water_b, water_a).type;
    };
    EXPECT_EQ(type(0.7f, 0.0f, -0.4f, 0.3f), change_vegetation_to_water);
    EXPECT_EQ(type(0.1f, 0.0f, -0.2f, 0.3f), change_bare_to_water);
    EXPECT_EQ(type(0.0f, 0.1f, 0.3f, -0.2f), change_water_to_land);
    EXPECT_EQ(type(0.1f, 0.05f, -0.2f, -0.3f), change_bare_land); // bare soil to a building or a road
    EXPECT_EQ(type(0.75f, 0.40f, -0.5f, -0.4f), change_vegetation_to_bare); // half-cleared: sparse cover left
    EXPECT_EQ(type(0.45f, 0.38f, -0.5f, -0.4f), change_vegetation);
    EXPECT_EQ(type(0.80f, 0.55f, -0.5f, -0.4f), change_vegetation_to_bare); // a road mixed with forest
    // ... and counts in full: it lost vegetation, while autumn forest (0.80 → 0.66) did not.
    EXPECT_NEAR(classify_pixel(t, 10.0f, 0.80f, 0.55f, -0.5f, -0.4f).score, 10.0f / 2.5f, 1e-5);
    EXPECT_EQ(type(0.1f, 0.6f, -0.3f, -0.5f), change_other); // greening is not activity
    EXPECT_STREQ(change_type_name(change_bare_land), "bare_land_change");
}
