#include "cell_areas.h"

#include <gtest/gtest.h>

using namespace redline;

TEST(GeographicCellAreas, RowsShrinkWithLatitudeAsTheClosedFormSays)
{
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const Grid g(108.0, 30.0, 0.25, 0.25, 4, 8); // 30° N down to 28° N
    GeographicCellAreas areas(g, e);
    std::vector<double> out;
    areas.fill(Window{ 1, 2, 3, 4 }, out);
    ASSERT_EQ(out.size(), 12u);
    for (int r = 0; r < 4; ++r) {
        const double top = 30.0 - 0.25 * (2 + r);
        const double expected = e.quadrangle_area(top - 0.25, top, 0.25);
        for (int c = 0; c < 3; ++c)
            EXPECT_DOUBLE_EQ(out[std::size_t(r) * 3 + c], expected);
    }
    EXPECT_GT(out[9], out[0]); // further south, larger
}

TEST(LatticeCellAreas, BilinearFunctionsAreReproducedExactly)
{
    const Grid g(500000, 3300000, 10, 10, 1000, 700);
    auto bilinear = [](double x, double y) { return 100.0 + 1e-6 * (x - 500000) + 2e-6 * (y - 3290000) + 1e-12 * x * y; };
    LatticeCellAreas areas(g, bilinear, 2000.0, 128);
    EXPECT_EQ(areas.node_step(), 128);
    std::vector<double> out;
    for (const Window w : { Window{ 0, 0, 1000, 700 }, Window{ 333, 129, 200, 300 }, Window{ 999, 699, 1, 1 } }) {
        areas.fill(w, out);
        for (int r = 0; r < w.rows; r += 7)
            for (int c = 0; c < w.cols; c += 11) {
                const double x = g.x_of(w.col0 + c + 0.5), y = g.y_of(w.row0 + r + 0.5);
                ASSERT_NEAR(out[std::size_t(r) * w.cols + c], bilinear(x, y), 1e-9);
            }
    }
}

TEST(LatticeCellAreas, CellsOnTheLastNodeColumnAndRowAreReproducedToo)
{
    // 17 × 9 cells with nodes every 8: the last column (16) and row (8) fall on a node. The
    // lattice must reach one node past them (it stopped on them once, and their cells read a
    // node beyond the row's end).
    const Grid g(500000, 3300000, 10, 10, 17, 9);
    auto bilinear = [](double x, double y) { return 100.0 + 1e-6 * (x - 500000) + 2e-6 * (y - 3290000); };
    LatticeCellAreas fill(g, bilinear, 2000.0, 8);
    LatticeCellAreas rows(g, bilinear, 2000.0, 8);
    ASSERT_EQ(fill.node_step(), 8);
    const Window w{ 0, 0, 17, 9 };
    std::vector<double> out;
    fill.fill(w, out);
    rows.prepare(w);
    std::vector<double> run(17);
    for (int r = 0; r < 9; ++r) {
        rows.run(r, 0, 17, run.data());
        for (int c = 0; c < 17; ++c) {
            const double expected = bilinear(g.x_of(c + 0.5), g.y_of(r + 0.5));
            ASSERT_NEAR(out[std::size_t(r) * 17 + std::size_t(c)], expected, 1e-9) << r << "," << c;
            ASSERT_NEAR(run[std::size_t(c)], expected, 1e-9) << r << "," << c;
        }
    }
}

TEST(LatticeCellAreas, InterpolationErrorOfACurvedScaleStaysTiny)
{
    // A transverse-Mercator-like areal scale: k(x) = 1 + x²/(2R²); cell area = 100 m² / k².
    const double R = 6.371e6;
    auto area_at = [R](double x, double) {
        const double dx = x - 500000;
        const double k = 1 + dx * dx / (2 * R * R);
        return 100.0 / (k * k);
    };
    const Grid g(300000, 3300000, 10, 10, 40000, 3);
    LatticeCellAreas areas(g, area_at);
    std::vector<double> out;
    const Window w{ 0, 0, 40000, 3 };
    areas.fill(w, out);
    double worst = 0;
    for (int c = 0; c < w.cols; ++c)
        worst = std::max(worst, std::abs(out[std::size_t(c)] / area_at(g.x_of(c + 0.5), 0) - 1));
    // Nodes 2 km apart on 10 m cells. Theory: h²/8 · d²(1/k²)/dx² = (2000 m)²/8 · 2/R² ≈ 2.5e-8
    // (1/k² ≈ 1 − x²/R²), the bound the class documents.
    ASSERT_EQ(areas.node_step(), 200);
    const double h = 2000.0;
    EXPECT_LT(worst, 1.05 * h * h / 8 * 2 / (R * R));
    EXPECT_GT(worst, 0.5 * h * h / 8 * 2 / (R * R)); // the error is there: the nodes are that far apart
}

TEST(LatticeCellAreas, RowRunsReproduceTheBilinearFunctionAndTheWindowFillToTheBit)
{
    // The row-by-row access a zonal pass uses must weigh every cell as the window fill does: the
    // function is reproduced (within rounding) by runs that start and stop anywhere, mid-interval
    // included, and the bits are the fill's (figures identical whichever path a pass takes).
    const Grid g(500000, 3300000, 10, 10, 1000, 700);
    auto bilinear = [](double x, double y) { return 100.0 + 1e-6 * (x - 500000) + 2e-6 * (y - 3290000) + 1e-12 * x * y; };
    LatticeCellAreas areas(g, bilinear, 2000.0, 128);
    LatticeCellAreas rows(g, bilinear, 2000.0, 128);
    std::vector<double> filled;
    for (const Window w : { Window{ 0, 0, 1000, 700 }, Window{ 333, 129, 200, 300 }, Window{ 999, 699, 1, 1 } }) {
        areas.fill(w, filled);
        rows.prepare(w);
        std::vector<double> run(std::size_t(w.cols));
        for (int r = 0; r < w.rows; r += 5) {
            // two runs per row: [0, split) and [split, cols), the split moving across intervals
            const int split = (r * 37) % w.cols;
            rows.run(w.row0 + r, w.col0, split, run.data());
            rows.run(w.row0 + r, w.col0 + split, w.cols - split, run.data() + split);
            for (int c = 0; c < w.cols; ++c) {
                const double x = g.x_of(w.col0 + c + 0.5), y = g.y_of(w.row0 + r + 0.5);
                ASSERT_NEAR(run[std::size_t(c)], bilinear(x, y), 1e-9);
                ASSERT_EQ(run[std::size_t(c)], filled[std::size_t(r) * w.cols + c]) << r << "," << c;
            }
        }
    }
}

TEST(GeographicCellAreas, RowRunsAreTheClosedForm)
{
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const Grid g(108.0, 30.0, 0.25, 0.25, 4, 8);
    GeographicCellAreas areas(g, e);
    areas.prepare(Window{ 0, 0, 4, 8 });
    double out[3] = { 0, 0, 0 };
    areas.run(5, 1, 3, out);
    const double expected = e.quadrangle_area(30.0 - 0.25 * 6, 30.0 - 0.25 * 5, 0.25);
    for (double a : out)
        EXPECT_DOUBLE_EQ(a, expected);
    // The row's one area, for consumers that weigh a row by one number: what run() writes, to the bit.
    double uniform = 0.0;
    EXPECT_TRUE(areas.uniform_row(5, uniform));
    EXPECT_EQ(uniform, out[0]);
    EXPECT_TRUE(areas.uniform_row(6, uniform));
    EXPECT_EQ(uniform, e.quadrangle_area(30.0 - 0.25 * 7, 30.0 - 0.25 * 6, 0.25));
}

TEST(LatticeCellAreas, RowsAreNotUniform)
{
    // A projected grid's cells change area along a row: it never claims one area per row.
    const Grid g(0, 64, 1, 1, 16, 16);
    LatticeCellAreas lattice(g, [](double x, double) { return 100.0 + x; }, 8.0, 8);
    lattice.prepare(g.full_window());
    double uniform = -1.0;
    EXPECT_FALSE(lattice.uniform_row(3, uniform));
}

TEST(LatticeCellAreas, LatticesMadeFromOneShareTheirNodesAndGiveTheSameBits)
{
    // The threads of a pass each have a lattice of their own, made from the first: a node that
    // one has computed is not computed again by another, and every lattice gives the areas a
    // lattice of its own would (the same bits, whichever computed the node).
    const Grid g(500000, 3300000, 10, 10, 1000, 700);
    int first_calls = 0, second_calls = 0, alone_calls = 0;
    auto curved = [](double x, double y) { return 100.0 + 1e-12 * (x - 500000) * (x - 500000) + 1e-7 * (y - 3290000); };
    LatticeCellAreas first(g, [&](double x, double y) { ++first_calls; return curved(x, y); }, 2000.0, 128);
    LatticeCellAreas second(first, [&](double x, double y) { ++second_calls; return curved(x, y); });
    LatticeCellAreas alone(g, [&](double x, double y) { ++alone_calls; return curved(x, y); }, 2000.0, 128);
    const Window top{ 0, 0, 1000, 350 }, bottom{ 0, 350, 1000, 350 }, whole{ 0, 0, 1000, 700 };
    first.prepare(top);
    second.prepare(bottom); // its nodes of row 384 (between the halves) were computed by `first`
    alone.prepare(whole);
    EXPECT_EQ(first_calls + second_calls, alone_calls); // each node once, between the two
    EXPECT_GT(second_calls, 0);
    EXPECT_LT(second_calls, alone_calls - first_calls + 8); // the shared node row was not recomputed
    std::vector<double> a(1000), b(1000);
    for (int r : { 0, 200, 349 }) {
        first.run(r, 0, 1000, a.data());
        alone.run(r, 0, 1000, b.data());
        ASSERT_EQ(a, b) << r;
    }
    for (int r : { 350, 500, 699 }) {
        second.run(r, 0, 1000, a.data());
        alone.run(r, 0, 1000, b.data());
        ASSERT_EQ(a, b) << r;
    }
}
