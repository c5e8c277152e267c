// The context of a change: a broad shift is the background, a compact change stands out of it,
// and every cell gets the same value whatever window computes it.
#include "change_context.h"
#include "change_scoring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace redline;

namespace {

/// A window over image cells @p w (row-major), one band, before 0.1 everywhere with a little
/// deterministic texture, after = before, all valid, noise sigma 0.01, one stratum.
IndexWindow field(const Window& w)
{
    IndexWindow x;
    x.resize(w.rows, w.cols, 1);
    std::fill(x.valid.begin(), x.valid.end(), 1);
    for (int r = 0; r < w.rows; ++r)
        for (int c = 0; c < w.cols; ++c) {
            const int row = w.row0 + r, col = w.col0 + c;
            const float v = 0.1f + 0.002f * float((row * 7 + col * 13) % 5);
            x.bands_before[0][std::size_t(r) * w.cols + c] = v;
            x.bands_after[0][std::size_t(r) * w.cols + c] = v;
        }
    x.band_sigma = { { 0.01f } };
    return x;
}

/// Adds @p delta to the after band of the image cells of @p area.
void shift(IndexWindow& x, const Window& w, const Window& area, float delta)
{
    const Window a = area.intersection(w);
    for (int r = a.row0; r < a.row_end(); ++r)
        for (int c = a.col0; c < a.col_end(); ++c)
            x.bands_after[0][std::size_t(r - w.row0) * w.cols + std::size_t(c - w.col0)] += delta;
}

} // namespace

/// The change magnitude of @p target against its background, as the detector computes it.
std::vector<float> context_magnitude(const IndexWindow& x, const Window& w, const Window& target)
{
    const Window ring{ target.col0 - 1, target.row0 - 1, target.cols + 2, target.rows + 2 };
    std::vector<std::vector<float>> background, plain, departures;
    context_background(x, w.row0, w.col0, ring, background);
    band_departures(x, w.row0, w.col0, ring, plain, &background, &departures);
    std::vector<float> out;
    smoothed_magnitude(x, w.row0, w.col0, departures, target, out);
    return out;
}

TEST(ChangeContext, TheWindowHoldsTheBlocksAroundTheCells)
{
    const Window cells{ 256, 512, 256, 256 };
    const Window need = context_window(cells);
    // Whole blocks plus a one-cell ring, starting at least a block before the cells.
    EXPECT_EQ((need.col0 + 1) % context_block, 0);
    EXPECT_EQ((need.cols - 2) % context_block, 0);
    EXPECT_LE(need.col0, cells.col0 - context_block);
    EXPECT_GE(need.col_end(), cells.col_end() + context_block);
    EXPECT_LE(need.row0, cells.row0 - context_block);
    EXPECT_GE(need.row_end(), cells.row_end() + context_block);
    IndexWindow x = field(cells);
    std::vector<std::vector<float>> out;
    EXPECT_THROW(context_background(x, cells.row0, cells.col0, cells, out), std::logic_error);
}

TEST(ChangeContext, ABroadShiftIsTheBackgroundAndACompactChangeStandsOut)
{
    const Window target{ 64, 64, 64, 64 };
    const Window w = context_window(Window{ 63, 63, 66, 66 });
    IndexWindow x = field(w);
    // A haze-like shift of 5 sigmas over everything, and a 3 × 3 building 10 sigmas above it.
    shift(x, w, w, 0.05f);
    const Window building{ 90, 90, 3, 3 };
    shift(x, w, building, 0.10f);
    std::vector<std::vector<float>> background;
    context_background(x, w.row0, w.col0, target, background);
    auto bg = [&](int row, int col) {
        return background[0][std::size_t(row - target.row0) * target.cols + std::size_t(col - target.col0)];
    };
    // The background is the shift, in sigmas, everywhere: the building is no part of it.
    EXPECT_NEAR(bg(70, 70), 5.0f, 1e-4f);
    EXPECT_NEAR(bg(91, 91), 5.0f, 1e-4f);
    const std::vector<float> m = context_magnitude(x, w, target);
    auto at = [&](int row, int col) {
        return m[std::size_t(row - target.row0) * target.cols + std::size_t(col - target.col0)];
    };
    // Away from the building: nothing. At its centre: its own 10 sigmas less the before texture's
    // range (at most 0.008), averaged over its 3 × 3 cells.
    EXPECT_EQ(at(70, 70), 0.0f);
    EXPECT_EQ(at(120, 64), 0.0f);
    EXPECT_GT(at(91, 91), 9.0f);
    EXPECT_LE(at(91, 91), 10.0f + 1e-4f);
}

TEST(ChangeContext, AChangeWiderThanTheContextIsItsOwnBackground)
{
    // A 60 × 60 shift covers the 3 × 3 blocks around its centre: it is broad, not compact.
    const Window target{ 88, 88, 8, 8 };
    const Window w = context_window(Window{ 87, 87, 10, 10 });
    IndexWindow x = field(w);
    shift(x, w, Window{ 62, 62, 60, 60 }, 0.08f);
    const std::vector<float> m = context_magnitude(x, w, target);
    for (float v : m)
        EXPECT_EQ(v, 0.0f);
}

TEST(ChangeContext, EveryCellGetsTheSameValueWhateverWindowComputesIt)
{
    // One image region, scored as one 64 × 64 target and as four 32 × 32 targets, each read through
    // its own context window: the same values to the bit.
    const Window big{ 0, 0, 256, 256 };
    IndexWindow whole = field(big);
    shift(whole, big, Window{ 70, 80, 9, 7 }, 0.06f);
    shift(whole, big, Window{ 40, 40, 120, 30 }, 0.03f);
    const Window target{ 64, 64, 64, 64 };
    const std::vector<float> one = context_magnitude(whole, big, target);
    for (int qr = 0; qr < 2; ++qr)
        for (int qc = 0; qc < 2; ++qc) {
            const Window part{ 64 + 32 * qc, 64 + 32 * qr, 32, 32 };
            const Window w = context_window(Window{ part.col0 - 1, part.row0 - 1, 34, 34 });
            IndexWindow x = field(w);
            shift(x, w, Window{ 70, 80, 9, 7 }, 0.06f);
            shift(x, w, Window{ 40, 40, 120, 30 }, 0.03f);
            const std::vector<float> out = context_magnitude(x, w, part);
            for (int r = 0; r < 32; ++r)
                for (int c = 0; c < 32; ++c)
                    ASSERT_EQ(out[std::size_t(r) * 32 + c],
                              one[std::size_t(32 * qr + r) * 64 + std::size_t(32 * qc + c)])
                      << "cell " << 64 + 32 * qr + r << ", " << 64 + 32 * qc + c;
        }
}

TEST(ChangeContext, TheLowerMedianIsTheMiddleOfTheSortedValuesForEveryCount)
{
    // Against a full sort, for every count up to 20 (16 and 9 take sorting networks, the rest an
    // insertion sort), with many ties (values drawn from a few levels) and without.
    std::mt19937 random(20261206);
    for (int levels : { 3, 1000000 }) {
        std::uniform_int_distribution<int> level(0, levels - 1);
        for (std::size_t n = 1; n <= 20; ++n)
            for (int trial = 0; trial < 500; ++trial) {
                std::vector<float> v(n);
                for (float& x : v)
                    x = float(level(random)) * 0.37f - 5.0f;
                std::vector<float> sorted = v;
                std::sort(sorted.begin(), sorted.end());
                ASSERT_EQ(lower_median(v), sorted[(n - 1) / 2]) << n << " values, trial " << trial;
            }
    }
}
