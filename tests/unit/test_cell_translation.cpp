#include "cell_translation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace redline;

TEST(CellTranslation, WholeCellsAndFractions)
{
    const CellTranslation a(CellShift{ 0.6, -1.3 });
    EXPECT_EQ(a.kx, 0);
    EXPECT_EQ(a.ky, -2);
    EXPECT_NEAR(a.fx, 0.6, 1e-12);
    EXPECT_NEAR(a.fy, 0.7, 1e-12);
    EXPECT_EQ(a.nearest_x, 1);
    EXPECT_EQ(a.nearest_y, -1);
    const CellTranslation b(CellShift{ -0.25, 2.0 });
    EXPECT_EQ(b.kx, -1);
    EXPECT_NEAR(b.fx, 0.75, 1e-12);
    EXPECT_EQ(b.ky, 2);
    EXPECT_EQ(b.fy, 0.0);
    EXPECT_EQ(b.nearest_x, 0);
    EXPECT_EQ(b.nearest_y, 2);
}

TEST(CellTranslation, BilinearWeightsOfFourCells)
{
    // out(c, r) = Σ w · source(c + i, r + j): the four weights written out for each cell.
    const int cols = 7, rows = 5;
    std::mt19937 rng(2);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> src(std::size_t(cols + 1) * (rows + 1));
    for (float& v : src)
        v = u(rng);
    for (const CellShift& s : { CellShift{ 0.3, 0.8 }, CellShift{ -1.75, 0.5 }, CellShift{ 2.0, -0.1 }, CellShift{ 0, 0 } }) {
        const CellTranslation t(s);
        std::vector<float> out(std::size_t(cols) * rows);
        translate_bilinear(src.data(), cols, rows, t, out.data());
        const double fx = s.dx - std::floor(s.dx), fy = s.dy - std::floor(s.dy);
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) {
                auto at = [&](int cc, int rr) { return double(src[std::size_t(rr) * (cols + 1) + std::size_t(cc)]); };
                const double expected = (1 - fx) * (1 - fy) * at(c, r) + fx * (1 - fy) * at(c + 1, r) +
                                        (1 - fx) * fy * at(c, r + 1) + fx * fy * at(c + 1, r + 1);
                EXPECT_NEAR(out[std::size_t(r) * cols + std::size_t(c)], expected, 1e-6) << s.dx << "," << s.dy;
            }
    }
}

TEST(CellTranslation, MissingCellsSpoilOnlyWhatTheyWeigh)
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    // 2 × 1 result from a 3 × 2 source; the NaN is source cell (2, 0).
    const std::vector<float> src{ 1, 2, nan, 4, 5, 6 };
    std::vector<float> out(2);
    translate_bilinear(src.data(), 2, 1, CellTranslation(CellShift{ 0.5, 0.5 }), out.data());
    EXPECT_FLOAT_EQ(out[0], 0.25f * (1 + 2 + 4 + 5));
    EXPECT_TRUE(std::isnan(out[1]));
    // No horizontal fraction: the NaN in the column to the right weighs nothing.
    translate_bilinear(src.data(), 2, 1, CellTranslation(CellShift{ 0.0, 0.5 }), out.data());
    EXPECT_FLOAT_EQ(out[0], 2.5f);
    EXPECT_FLOAT_EQ(out[1], 3.5f);
}
