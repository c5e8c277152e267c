#include "grid.h"

#include <gtest/gtest.h>

using namespace redline;

TEST(Grid, ConvertsBetweenWorldAndCellCoordinates)
{
    const Grid g(100.0, 50.0, 0.5, 0.25, 8, 4);
    EXPECT_DOUBLE_EQ(g.col_of(100.0), 0.0);
    EXPECT_DOUBLE_EQ(g.col_of(104.0), 8.0);
    EXPECT_DOUBLE_EQ(g.row_of(50.0), 0.0);
    EXPECT_DOUBLE_EQ(g.row_of(49.0), 4.0);
    EXPECT_DOUBLE_EQ(g.x_of(3), 101.5);
    EXPECT_DOUBLE_EQ(g.y_of(2), 49.5);
    const Box e = g.extent();
    EXPECT_DOUBLE_EQ(e.xmin, 100.0);
    EXPECT_DOUBLE_EQ(e.xmax, 104.0);
    EXPECT_DOUBLE_EQ(e.ymin, 49.0);
    EXPECT_DOUBLE_EQ(e.ymax, 50.0);
}

TEST(Grid, WindowCoveringClipsToTheGridAndIgnoresTouchingEdges)
{
    const Grid g(0, 10, 1, 1, 10, 10);
    const Window w = g.window_covering(Box{ 2.0, 3.0, 4.5, 7.0 });
    EXPECT_EQ(w.col0, 2);
    EXPECT_EQ(w.cols, 3); // columns 2, 3, 4: x = 4.5 is inside column 4; x = 2.0 touches column 1 only
    EXPECT_EQ(w.row0, 3); // y = 7 is the top edge of row 3
    EXPECT_EQ(w.rows, 4);
    const Window clipped = g.window_covering(Box{ -5, -5, 3, 20 });
    EXPECT_EQ(clipped.col0, 0);
    EXPECT_EQ(clipped.cols, 3);
    EXPECT_EQ(clipped.row0, 0);
    EXPECT_EQ(clipped.rows, 10);
    EXPECT_TRUE(g.window_covering(Box{ 20, 20, 30, 30 }).empty());
}

TEST(Grid, BlockWindowsTileTheGridExactlyOnce)
{
    const Grid g(0, 0, 1, 1, 1000, 700);
    for (int bh : { 1, 16, 256 }) {
        const auto windows = g.block_windows(256, bh, 100000);
        std::vector<int> hits(1000 * 700, 0);
        for (const Window& w : windows) {
            EXPECT_LE(w.size(), std::size_t(100000) + 256 * 256);
            if (bh == 1) {
                EXPECT_GE(w.rows, std::min(64, 700 - w.row0)); // strips are grouped into bands
            }
            for (int r = w.row0; r < w.row_end(); ++r)
                for (int c = w.col0; c < w.col_end(); ++c)
                    ++hits[std::size_t(r) * 1000 + c];
        }
        for (int h : hits)
            ASSERT_EQ(h, 1);
    }
}

TEST(Window, Intersection)
{
    const Window a{ 0, 0, 10, 10 };
    const Window b{ 5, 8, 10, 10 };
    const Window i = a.intersection(b);
    EXPECT_EQ(i.col0, 5);
    EXPECT_EQ(i.row0, 8);
    EXPECT_EQ(i.cols, 5);
    EXPECT_EQ(i.rows, 2);
    EXPECT_TRUE(a.intersection(Window{ 10, 0, 3, 3 }).empty());
}
