// The crop parcel test of a change patch: the after brightness's coefficient of variation, from
// cells labelled by PatchLabeler (so the statistics are gathered as a run gathers them), against
// closed forms.
#include "crop_parcel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace redline;

namespace {

/// One component: a row of cells, all changed, of @p type, with these after brightnesses.
PatchStats patch_of(const std::vector<float>& brightness, ChangeType type)
{
    const int cols = int(brightness.size());
    std::vector<std::uint8_t> level(brightness.size(), 2), types(brightness.size(), type);
    std::vector<float> other(brightness.size(), 0.5f);
    std::vector<double> area(brightness.size(), 100.0);
    PixelRow row;
    row.level = level.data();
    row.type = types.data();
    row.score = row.ndvi_before = row.ndvi_after = row.water_before = row.water_after = row.bare_before =
      row.bare_after = other.data();
    row.brightness_after = brightness.data();
    row.cell_area = area.data();
    PatchLabeler labeler(cols);
    labeler.add_row(0, row);
    const auto components = labeler.finish();
    EXPECT_EQ(components.size(), 1u);
    return components.begin()->second;
}

} // namespace

TEST(CropParcel, CoefficientOfVariationOfTheAfterBrightness)
{
    // Half the cells at 0.2, half at 0.3: mean 0.25, population standard deviation 0.05, CV 0.2.
    const PatchStats two_levels = patch_of({ 0.2f, 0.3f, 0.2f, 0.3f }, change_vegetation_to_bare);
    const double a = double(0.2f), b = double(0.3f); // the floats the cells hold
    // (Σx² / n − mean² loses a few digits to cancellation: far below any limit that matters.)
    EXPECT_NEAR(after_brightness_cv(two_levels), (b - a) / (a + b), 1e-9);
    // Uniform soil: no variation at all.
    EXPECT_EQ(after_brightness_cv(patch_of({ 0.25f, 0.25f, 0.25f }, change_vegetation_to_bare)), 0.0);
    // 0.1, 0.2, 0.3, 0.4: mean 0.25, variance (2 × 0.15² + 2 × 0.05²) / 4 = 0.0125, CV √0.0125 / 0.25.
    const PatchStats ramp = patch_of({ 0.1f, 0.2f, 0.3f, 0.4f }, change_vegetation_to_bare);
    EXPECT_NEAR(after_brightness_cv(ramp), std::sqrt(1.25) / 2.5, 1e-7);
}

TEST(CropParcel, NothingToCompareIsNeverAParcel)
{
    const PatchStats empty;
    EXPECT_EQ(after_brightness_cv(empty), std::numeric_limits<double>::infinity());
    EXPECT_FALSE(looks_like_harvested_field(empty, 0.12));
    // A mean of zero or below (no signal after normalisation): no ratio to take.
    const PatchStats dark = patch_of({ 0.0f, 0.0f }, change_vegetation_to_bare);
    EXPECT_EQ(after_brightness_cv(dark), std::numeric_limits<double>::infinity());
    EXPECT_FALSE(looks_like_harvested_field(dark, 0.12));
}

TEST(CropParcel, OnlyVegetationTurnedBareAndUniformLooksHarvested)
{
    const std::vector<float> uniform = { 0.20f, 0.21f, 0.20f, 0.21f }; // CV 0.0244
    const std::vector<float> varied = { 0.10f, 0.30f, 0.10f, 0.30f };  // CV 0.5: buildings, yards, roads
    EXPECT_TRUE(looks_like_harvested_field(patch_of(uniform, change_vegetation_to_bare), 0.12));
    EXPECT_FALSE(looks_like_harvested_field(patch_of(varied, change_vegetation_to_bare), 0.12));
    EXPECT_TRUE(looks_like_harvested_field(patch_of(varied, change_vegetation_to_bare), 0.6));
    // The limit is strict, and 0 turns the test off.
    EXPECT_FALSE(looks_like_harvested_field(patch_of({ 0.2f, 0.2f }, change_vegetation_to_bare), 0.0));
    // Other changes are never taken for a crop cycle, however uniform.
    for (ChangeType t : { change_other, change_vegetation_to_water, change_water_to_land, change_bare_to_water,
                          change_bare_land, change_vegetation })
        EXPECT_FALSE(looks_like_harvested_field(patch_of(uniform, t), 0.12)) << change_type_name(t);
}

TEST(CropParcel, StatisticsMergeAsOnePatch)
{
    // Two halves labelled apart and merged (as shards are joined) give the whole patch's CV.
    PatchStats left = patch_of({ 0.1f, 0.2f }, change_vegetation_to_bare);
    const PatchStats right = patch_of({ 0.3f, 0.4f }, change_vegetation_to_bare);
    left.merge(right);
    EXPECT_NEAR(after_brightness_cv(left), std::sqrt(1.25) / 2.5, 1e-7);
}
