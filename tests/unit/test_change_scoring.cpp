// Band departures, their smoothed magnitude and the verdict on a cell, on tiny windows whose
// answers are worked out by hand.
#include "change_scoring.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

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

/// band_departures() of every cell one in from the edge of a window at image cell (0, 0).
void inner_departures(const IndexWindow& w, std::vector<std::vector<float>>& d)
{
    band_departures(w, 0, 0, Window{ 1, 1, w.cols - 2, w.rows - 2 }, d);
}

} // namespace

TEST(ChangeScoring, AOnePixelRoadDepartsByItsWholeContrast)
{
    IndexWindow w = flat(5, 2, 0.1f, 0.01f);
    w.bands_after[0][at(5, 2, 2)] = 0.25f; // brighter in band 0
    w.bands_after[1][at(5, 2, 2)] = 0.04f; // darker in band 1
    std::vector<std::vector<float>> d;
    inner_departures(w, d);
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
    // a pixel, so column 2 becomes the mixture 0.175: every after value lies within the range its
    // before value takes when moved half a cell (at its edge, to float rounding).
    IndexWindow w = flat(5, 1, 0.0f, 0.01f);
    for (int r = 0; r < 5; ++r)
        for (int c = 0; c < 5; ++c) {
            w.bands_before[0][at(5, r, c)] = c < 3 ? 0.3f : 0.05f;
            w.bands_after[0][at(5, r, c)] = c < 2 ? 0.3f : (c == 2 ? 0.175f : 0.05f);
        }
    std::vector<std::vector<float>> d;
    inner_departures(w, d);
    for (float v : d[0])
        EXPECT_NEAR(v, 0.0f, 1e-4f);
}

TEST(ChangeScoring, AnEdgeShiftedByAWholePixelDepartsByHalfItsContrast)
{
    // The same edge moved a whole pixel: column 2 now reads 0.05. Displaced by half a cell it
    // could read no less than 0.3 + (0.05 − 0.3) / 2 = 0.175, so it departs by
    // (0.05 − 0.175) / 0.01 = −12.5 noise sigmas, and column 3 stays within its range.
    IndexWindow w = flat(5, 1, 0.0f, 0.01f);
    for (int r = 0; r < 5; ++r)
        for (int c = 0; c < 5; ++c) {
            w.bands_before[0][at(5, r, c)] = c < 3 ? 0.3f : 0.05f;
            w.bands_after[0][at(5, r, c)] = c < 2 ? 0.3f : 0.05f;
        }
    std::vector<std::vector<float>> d;
    inner_departures(w, d);
    for (int r = 0; r < 3; ++r) {
        EXPECT_EQ(d[0][at(3, r, 0)], 0.0f);                  // column 1
        EXPECT_NEAR(d[0][at(3, r, 1)], -12.5f, 1e-3) << r;   // column 2
        EXPECT_EQ(d[0][at(3, r, 2)], 0.0f);                  // column 3
    }
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
    inner_departures(w, d);
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
    inner_departures(w, d);
    EXPECT_NEAR(d[0][at(3, 1, 1)], 0.2f / 0.04f, 1e-4);
}

TEST(ChangeScoring, EachStratumsMedianDifferenceIsNoChange)
{
    // Rock in this stratum came out 0.02 brighter in the after image everywhere (sun, moisture):
    // less that, a cell 0.05 brighter departs by 0.03.
    IndexWindow w = flat(5, 1, 0.2f, 0.01f);
    w.band_bias = { { 0.02f } };
    for (float& v : w.bands_after[0])
        v = 0.22f;
    w.bands_after[0][at(5, 2, 2)] = 0.25f;
    std::vector<std::vector<float>> d;
    inner_departures(w, d);
    EXPECT_NEAR(d[0][at(3, 1, 1)], 3.0f, 1e-3);
    EXPECT_NEAR(d[0][at(3, 0, 0)], 0.0f, 1e-4);
}

TEST(ChangeScoring, StrataAreFittedPerCoverWithTheirOwnDifferenceAndSpread)
{
    // Planted samples: vegetation (nir 0.35, red 0.05) whose bands differ by +0.01 ± 0.004 between
    // the dates, bare land (every band 0.25) by −0.03 ± 0.02. The fit must recover each cover's
    // median difference and robust spread in every one of its strata.
    std::mt19937 rng(7);
    std::normal_distribution<float> unit(0.0f, 1.0f);
    std::uniform_real_distribution<float> jitter(-0.02f, 0.02f);
    std::vector<std::vector<float>> before(4), after(4);
    for (int i = 0; i < 40000; ++i) {
        const bool veg = i % 2 == 0;
        const float level = jitter(rng);
        const float b[4] = { veg ? 0.03f : 0.25f, veg ? 0.05f : 0.25f, veg ? 0.05f : 0.25f, veg ? 0.35f : 0.25f };
        for (std::size_t k = 0; k < 4; ++k) {
            before[k].push_back(b[k] + level);
            after[k].push_back(b[k] + level + (veg ? 0.01f + 0.004f * unit(rng) : -0.03f + 0.02f * unit(rng)));
        }
    }
    ChangeThresholds t;
    fit_strata(before, after, t);
    ASSERT_EQ(t.band_bias.size(), std::size_t(Strata::count));
    for (int q = 0; q < Strata::per_cover; ++q) {
        const std::size_t veg = std::size_t(int(Cover::vegetation) * Strata::per_cover + q);
        const std::size_t bare = std::size_t(int(Cover::bare) * Strata::per_cover + q);
        for (std::size_t k = 0; k < 4; ++k) {
            EXPECT_NEAR(t.band_bias[veg][k], 0.01f, 0.0005f);
            EXPECT_NEAR(t.band_sigma[veg][k], 0.004f, 0.0004f);
            EXPECT_NEAR(t.band_bias[bare][k], -0.03f, 0.002f);
            EXPECT_NEAR(t.band_sigma[bare][k], 0.02f, 0.002f);
        }
    }
    // Strata split each cover by brightness at its quartiles.
    EXPECT_EQ(t.strata.edges[std::size_t(Cover::vegetation)].size(), std::size_t(Strata::per_cover - 1));
    EXPECT_LT(t.strata.edges[std::size_t(Cover::bare)][0], t.strata.edges[std::size_t(Cover::bare)][2]);
}

TEST(ChangeScoring, TheMagnitudeIsTheRootMeanSquareAveragedOverValidNeighbours)
{
    // 6 × 6 window: 4 × 4 departure cells, 2 × 2 smoothed cells (window rows 2-3, columns 2-3).
    IndexWindow w = flat(6, 2, 0.1f, 0.01f);
    w.bands_after[0][at(6, 2, 2)] = 0.13f; // departs by 3 in band 0, 0 in band 1: RMS 3 / √2
    w.bands_after[1][at(6, 3, 3)] = 0.18f; // departs by 8 in band 1: RMS 8 / √2
    std::vector<std::vector<float>> d;
    inner_departures(w, d);
    std::vector<float> m;
    const Window target{ 2, 2, 2, 2 };
    smoothed_magnitude(w, 0, 0, d, target, m);
    ASSERT_EQ(m.size(), 4u);
    const float a = 3.0f / std::sqrt(2.0f), b = 8.0f / std::sqrt(2.0f);
    // Every smoothed cell's 3 × 3 neighbourhood holds both changed cells: (a + b) / 9.
    for (float v : m)
        EXPECT_NEAR(v, (a + b) / 9.0f, 1e-4);
    // With two invalid neighbours around cell (2, 3), its mean runs over the 7 valid ones.
    w.valid[at(6, 1, 4)] = 0;
    w.valid[at(6, 1, 3)] = 0;
    inner_departures(w, d);
    smoothed_magnitude(w, 0, 0, d, target, m);
    EXPECT_NEAR(m[at(2, 0, 1)], (a + b) / 7.0f, 1e-4);
    EXPECT_NEAR(m[at(2, 1, 0)], (a + b) / 9.0f, 1e-4);
}

TEST(ChangeScoring, TheMagnitudeOfAnyTargetInsideTheWindowIsTheSame)
{
    // A 9 × 9 window with a few changed cells; the 3 × 3 target at (3, 3) scored on its own and as
    // part of the 5 × 5 target at (2, 2) gets the same values.
    IndexWindow w = flat(9, 1, 0.1f, 0.01f);
    w.bands_after[0][at(9, 3, 4)] = 0.2f;
    w.bands_after[0][at(9, 5, 5)] = 0.05f;
    w.valid[at(9, 4, 4)] = 0;
    std::vector<float> small, large;
    std::vector<std::vector<float>> d_small, d_large;
    band_departures(w, 0, 0, Window{ 2, 2, 5, 5 }, d_small);
    band_departures(w, 0, 0, Window{ 1, 1, 7, 7 }, d_large);
    smoothed_magnitude(w, 0, 0, d_small, Window{ 3, 3, 3, 3 }, small);
    smoothed_magnitude(w, 0, 0, d_large, Window{ 2, 2, 5, 5 }, large);
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            EXPECT_EQ(small[at(3, r, c)], large[at(5, r + 1, c + 1)]);
}

TEST(ChangeScoring, WaterStaysUnchangedAndDenseVegetationNeedsMore)
{
    ChangeThresholds t;
    t.threshold = 2.5;
    t.stays_vegetation_factor = 2.0;
    // Water in both dates (MNDWI > 0): its colour is no activity, whatever the magnitude.
    EXPECT_EQ(classify_pixel(t, 50.0f, 50.0f, -0.1f, -0.2f, 0.4f, 0.3f).score, 0.0f);
    // Forest that stays dense (autumn: NDVI 0.80 → 0.66) counts half.
    const PixelChange autumn = classify_pixel(t, 5.0f, 5.0f, 0.80f, 0.66f, -0.5f, -0.5f);
    EXPECT_NEAR(autumn.score, 5.0f / 2.5f / 2.0f, 1e-6);
    EXPECT_EQ(autumn.type, change_vegetation);
    // Forest cleared to bare soil counts in full.
    const PixelChange cleared = classify_pixel(t, 5.0f, 5.0f, 0.80f, 0.10f, -0.5f, -0.3f);
    EXPECT_NEAR(cleared.score, 2.0f, 1e-6);
    EXPECT_EQ(cleared.type, change_vegetation_to_bare);
}

TEST(ChangeScoring, VegetationThatStayedMustStandOutAgainstItsNeighbourhood)
{
    ChangeThresholds t;
    t.threshold = 2.5;
    // Grassland in both dates (NDVI 0.45 → 0.35), changed by 10 sigmas but by only 1 against the
    // broad change around it (a haze plume): 1 / 2.5.
    EXPECT_NEAR(classify_pixel(t, 10.0f, 1.0f, 0.45f, 0.35f, -0.3f, -0.3f).score, 0.4f, 1e-6);
    // The same against a quiet neighbourhood (the context magnitude cannot exceed the change).
    EXPECT_NEAR(classify_pixel(t, 10.0f, 12.0f, 0.45f, 0.35f, -0.3f, -0.3f).score, 4.0f, 1e-6);
    // Bare land changed broadly is graded, built or quarried: its magnitude counts.
    EXPECT_NEAR(classify_pixel(t, 10.0f, 1.0f, 0.1f, 0.12f, -0.3f, -0.3f).score, 4.0f, 1e-6);
    // Forest turned to bare soil is activity however broad: a large clearing or quarry.
    EXPECT_NEAR(classify_pixel(t, 10.0f, 1.0f, 0.8f, 0.1f, -0.5f, -0.3f).score, 4.0f, 1e-6);
    // Land turned to water too.
    EXPECT_NEAR(classify_pixel(t, 10.0f, 1.0f, 0.1f, -0.1f, -0.3f, 0.2f).score, 4.0f, 1e-6);
}

TEST(ChangeScoring, TypesSayWhatTheLandWasAndBecame)
{
    ChangeThresholds t;
    auto type = [&](float ndvi_b, float ndvi_a, float water_b, float water_a) {
        return classify_pixel(t, 10.0f, 10.0f, ndvi_b, ndvi_a, water_b, water_a).type;
    };
    EXPECT_EQ(type(0.7f, 0.0f, -0.4f, 0.3f), change_vegetation_to_water);
    EXPECT_EQ(type(0.1f, 0.0f, -0.2f, 0.3f), change_bare_to_water);
    EXPECT_EQ(type(0.0f, 0.1f, 0.3f, -0.2f), change_water_to_land);
    EXPECT_EQ(type(0.1f, 0.05f, -0.2f, -0.3f), change_bare_land); // bare soil to a building or a road
    EXPECT_EQ(type(0.75f, 0.40f, -0.5f, -0.4f), change_vegetation_to_bare); // half-cleared: sparse cover left
    EXPECT_EQ(type(0.45f, 0.38f, -0.5f, -0.4f), change_vegetation);
    EXPECT_EQ(type(0.80f, 0.55f, -0.5f, -0.4f), change_vegetation_to_bare); // a road mixed with forest

    EXPECT_EQ(type(0.1f, 0.6f, -0.3f, -0.5f), change_other); // greening is not activity
    EXPECT_STREQ(change_type_name(change_bare_land), "bare_land_change");
}
