// The change components on tiny windows whose answers are known by construction.
#include "change_scoring.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace redline;

namespace {

/// A 5×5 window (3×3 inner pixels) of constant indices, everything valid.
IndexWindow flat(float ndvi, float water, float bare)
{
    IndexWindow w;
    w.resize(5, 5, 1);
    std::fill(w.valid.begin(), w.valid.end(), 1);
    for (auto* v : { &w.ndvi_before, &w.ndvi_after })
        std::fill(v->begin(), v->end(), ndvi);
    for (auto* v : { &w.water_before, &w.water_after })
        std::fill(v->begin(), v->end(), water);
    for (auto* v : { &w.bare_before, &w.bare_after })
        std::fill(v->begin(), v->end(), bare);
    for (auto* v : { &w.bands_before[0], &w.bands_after[0] })
        std::fill(v->begin(), v->end(), 0.1f);
    w.band_sigma = { { 0.01f } };
    return w;
}

} // namespace

TEST(ChangeScoring, AOnePixelRoadThroughForestScoresTheWholeContrast)
{
    IndexWindow w = flat(0.8f, -0.5f, -0.2f);
    const std::size_t centre = 2 * 5 + 2;
    w.ndvi_after[centre] = 0.15f; // a road pixel appears
    w.bare_after[centre] = 0.25f;
    w.bands_after[0][centre] = 0.25f;
    std::array<std::vector<float>, change_component_count> c;
    change_components(w, c);
    const std::size_t inner = 1 * 3 + 1;
    EXPECT_NEAR(c[vegetation_loss][inner], 0.65f, 1e-6);
    EXPECT_NEAR(c[bare_gain][inner], 0.45f, 1e-6);
    EXPECT_NEAR(c[water_gain][inner], 0.0f, 1e-6);
    std::vector<float> departure;
    spectral_departure(w, departure);
    EXPECT_NEAR(departure[inner], (0.25f - 0.1f) / 0.01f, 1e-3); // one band: RMS = |d| / sigma
    EXPECT_NEAR(departure[0], 0.0f, 1e-6);
}

TEST(ChangeScoring, AnEdgeShiftedByHalfAPixelIsNoLoss)
{
    // Before: forest (0.8) in the left columns, grass (0.3) from column 3. After: the same scene
    // shifted half a pixel, so column 2 and 3 become mixtures (0.55) — no cell leaves the range
    // of its before neighbourhood.
    IndexWindow w = flat(0.8f, -0.5f, -0.2f);
    for (int r = 0; r < 5; ++r)
        for (int c = 0; c < 5; ++c) {
            w.ndvi_before[std::size_t(r) * 5 + c] = c < 3 ? 0.8f : 0.3f;
            w.ndvi_after[std::size_t(r) * 5 + c] = c < 2 ? 0.8f : (c == 2 ? 0.55f : 0.3f);
        }
    std::array<std::vector<float>, change_component_count> comp;
    change_components(w, comp);
    for (float v : comp[vegetation_loss])
        EXPECT_LE(v, 0.0f);
}

TEST(ChangeScoring, InvalidPixelsGiveNaNAndAreIgnoredAsNeighbours)
{
    IndexWindow w = flat(0.8f, -0.5f, -0.2f);
    w.valid[1 * 5 + 1] = 0; // a cloud in the corner of the neighbourhood
    w.ndvi_before[1 * 5 + 1] = -1.0f;
    std::array<std::vector<float>, change_component_count> c;
    change_components(w, c);
    EXPECT_TRUE(std::isnan(c[vegetation_loss][0]));
    EXPECT_NEAR(c[vegetation_loss][1 * 3 + 1], 0.0f, 1e-6); // the invalid -1 is not the minimum
}

TEST(ChangeScoring, ClassifyNeedsBothTheIndexAndTheSpectrumToMove)
{
    ChangeThresholds t;
    for (int k = 0; k < change_component_count; ++k) {
        t.baseline[std::size_t(k)] = { RobustStats{ 0.0, 0.02 } };
        t.component[std::size_t(k)].z = 5; // threshold 0.1
    }
    const std::array<float, change_component_count> loss{ 0.3f, 0.0f, 0.0f, 0.0f };
    const PixelChange strong = classify_pixel(t, loss, 10.0f, 0, 0.8f, -0.5f, -0.5f);
    EXPECT_NEAR(strong.score, 3.0f, 1e-5);
    EXPECT_EQ(strong.type, change_vegetation_to_bare);
    // The same index change over a dark surface whose spectrum barely moved: capped.
    const PixelChange dark = classify_pixel(t, loss, 1.0f, 0, 0.8f, -0.5f, -0.5f);
    EXPECT_NEAR(dark.score, 1.0f / 3.0f, 1e-5);
    // A rising water index that ends in water (MNDWI > 0) is a new water body.
    const std::array<float, change_component_count> pond{ 0.3f, 0.0f, 0.6f, 0.0f };
    EXPECT_EQ(classify_pixel(t, pond, 10.0f, 0, 0.8f, -0.5f, 0.3f).type, change_vegetation_to_water);
    // ... but bare soil raises MNDWI too, without becoming water.
    EXPECT_EQ(classify_pixel(t, pond, 10.0f, 0, 0.8f, -0.5f, -0.3f).type, change_vegetation_to_bare);
}
