// Coverage fractions are checked against hand-computed values and against GEOS: the area of
// the intersection of each cell's square with the polygon, an independent computation.
#include "coverage_fraction.h"
#include "geos_context.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace redline;

namespace {

Ring ring(std::vector<Point> pts, bool hole = false)
{
    return Ring{ std::move(pts), hole };
}

std::vector<Point> reversed(std::vector<Point> pts)
{
    return std::vector<Point>(pts.rbegin(), pts.rend());
}

/// Fractions of every cell of the grid (0 outside the footprint).
std::vector<double> all_fractions(const Grid& g, const Rings& poly, int band_rows = 256)
{
    CoverageRasterizer raster(g, poly, band_rows);
    CoverageWindow cw;
    raster.rasterize(g.full_window(), cw);
    std::vector<double> out(std::size_t(g.rows()) * g.cols(), 0.0);
    for (int r = cw.window.row0; r < cw.window.row_end(); ++r)
        for (int c = cw.window.col0; c < cw.window.col_end(); ++c)
            out[std::size_t(r) * g.cols() + c] = cw.at(r, c);
    return out;
}

/// The same fractions by GEOS: area(cell ∩ polygon) / area(cell).
std::vector<double> geos_fractions(const Grid& g, const Rings& poly)
{
    GeosContext ctx;
    GeomPtr p = from_rings(ctx, poly);
    GeomPtr valid(GEOSMakeValid_r(ctx.handle(), p.get()), GeomDeleter{ ctx.handle() });
    std::vector<double> out;
    for (int r = 0; r < g.rows(); ++r)
        for (int c = 0; c < g.cols(); ++c) {
            const double x0 = g.x_of(c), x1 = g.x_of(c + 1), y1 = g.y_of(r), y0 = g.y_of(r + 1);
            GeomPtr cell(GEOSGeom_createRectangle_r(ctx.handle(), x0, y0, x1, y1), GeomDeleter{ ctx.handle() });
            GeomPtr i(GEOSIntersection_r(ctx.handle(), cell.get(), valid.get()), GeomDeleter{ ctx.handle() });
            double a = 0;
            GEOSArea_r(ctx.handle(), i.get(), &a);
            out.push_back(a / ((x1 - x0) * (y1 - y0)));
        }
    return out;
}

} // namespace

TEST(CoverageFraction, TriangleOnThreeByThreeGridMatchesHandComputedFractions)
{
    // x + y <= 3 on cells of 1×1: cells below the diagonal are full, cells on it are halves.
    const Grid g(0, 3, 1, 1, 3, 3);
    Rings tri{ { ring({ { 0, 0 }, { 3, 0 }, { 0, 3 } }) } };
    const std::vector<double> expected = { 0.5, 0, 0, 1, 0.5, 0, 1, 1, 0.5 }; // row 0 is the top row
    const auto got = all_fractions(g, tri);
    for (std::size_t i = 0; i < expected.size(); ++i)
        EXPECT_NEAR(got[i], expected[i], 1e-15) << "cell " << i;
}

TEST(CoverageFraction, OffsetTriangleHandComputed)
{
    // Triangle (0.5,0.5) (2.5,0.5) (0.5,2.5) on the 3×3 unit grid.
    // Bottom row (y 0..1): left cell x 0.5..1, y 0.5..1 full = 0.25; middle cell: the region
    // y in [0.5,1], x in [1,2], x + y <= 3 -> full 0.5; right cell x in [2,2.5], y in [0.5, 3-x]:
    // ∫_2^2.5 (min(1, 3-x) - 0.5) dx = ∫ (0.5) dx over [2,2.5] = 0.25 minus the triangle above
    // x + y = 3 inside y <= 1 -> x >= 2: y ranges to 1 only when x <= 2 -> ∫_2^2.5 (2.5 - x) dx = 0.125.
    const Grid g(0, 3, 1, 1, 3, 3);
    Rings tri{ { ring({ { 0.5, 0.5 }, { 2.5, 0.5 }, { 0.5, 2.5 } }) } };
    const auto got = all_fractions(g, tri);
    EXPECT_NEAR(got[6], 0.25, 1e-15);
    EXPECT_NEAR(got[7], 0.5, 1e-15);
    EXPECT_NEAR(got[8], 0.125, 1e-15);
    EXPECT_NEAR(got[3], 0.5, 1e-15);   // middle-left: x 0.5..1, y 1..2 -> 0.5
    EXPECT_NEAR(got[4], 0.5, 1e-15);   // centre: x + y <= 3 over the unit square [1,2]² -> 0.5
    EXPECT_NEAR(got[0], 0.125, 1e-15); // top-left: x 0.5..1, y 2..3-x -> ∫_0.5^1 (1 - x) dx
    double total = 0;
    for (double f : got)
        total += f;
    EXPECT_NEAR(total, 2.0, 1e-14); // the triangle's area
}

TEST(CoverageFraction, HoleIsSubtractedWhateverTheRingOrientation)
{
    const Grid g(0, 4, 1, 1, 4, 4);
    const std::vector<Point> shell{ { 0, 0 }, { 4, 0 }, { 4, 4 }, { 0, 4 } };
    const std::vector<Point> hole{ { 1, 1 }, { 3, 1 }, { 3, 3 }, { 1, 3 } };
    for (bool flip_shell : { false, true })
        for (bool flip_hole : { false, true }) {
            Rings p{ { ring(flip_shell ? reversed(shell) : shell),
                       ring(flip_hole ? reversed(hole) : hole, true) } };
            const auto f = all_fractions(g, p);
            for (int r = 0; r < 4; ++r)
                for (int c = 0; c < 4; ++c) {
                    const bool in_hole = r >= 1 && r <= 2 && c >= 1 && c <= 2;
                    EXPECT_NEAR(f[std::size_t(r) * 4 + c], in_hole ? 0.0 : 1.0, 1e-15)
                      << "flip_shell " << flip_shell << " flip_hole " << flip_hole;
                }
        }
}

TEST(CoverageFraction, PolygonLargerThanTheGridCoversEveryCell)
{
    const Grid g(10, 20, 2, 2, 5, 5);
    Rings p{ { ring({ { -100, -100 }, { 100, -100 }, { 100, 100 }, { -100, 100 } }) } };
    for (double f : all_fractions(g, p))
        EXPECT_NEAR(f, 1.0, 1e-15);
}

TEST(CoverageFraction, RandomPolygonsAgreeWithGeosCellByCell)
{
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> jitter(-0.35, 0.35);
    const Grid g(-3.3, 7.7, 0.7, 0.45, 23, 29);
    for (int trial = 0; trial < 40; ++trial) {
        // A star-shaped polygon (simple by construction) with a star-shaped hole, both partly off
        // the grid for some trials, drawn in a random orientation.
        const double cx = -3.3 + 0.7 * 23 * std::uniform_real_distribution<double>(0.1, 0.9)(rng);
        const double cy = 7.7 - 0.45 * 29 * std::uniform_real_distribution<double>(0.1, 0.9)(rng);
        const double radius = std::uniform_real_distribution<double>(1.0, 9.0)(rng);
        const int n = 5 + trial % 37;
        std::vector<Point> shell, hole;
        for (int i = 0; i < n; ++i) {
            const double t = 2 * M_PI * i / n;
            const double rr = radius * (1 + jitter(rng));
            shell.push_back({ cx + rr * std::cos(t), cy + rr * std::sin(t) });
            const double rh = 0.3 * radius * (1 + jitter(rng));
            hole.push_back({ cx + rh * std::cos(t), cy + rh * std::sin(t) });
        }
        if (trial % 2)
            shell = reversed(shell);
        if (trial % 3 == 0)
            hole = reversed(hole);
        Rings p{ { ring(shell) } };
        if (trial % 4 != 0)
            p.rings.push_back(ring(hole, true));

        const auto ours = all_fractions(g, p, 1 + trial % 7); // small bands: edges span many bands
        const auto reference = geos_fractions(g, p);
        for (std::size_t i = 0; i < ours.size(); ++i)
            ASSERT_NEAR(ours[i], reference[i], 1e-9) << "trial " << trial << " cell " << i;
    }
}

TEST(CoverageFraction, SubWindowsGiveTheSameFractionsAsTheWholeGrid)
{
    const Grid g(0, 50, 1, 1, 50, 50);
    Rings p{ { ring({ { 3.3, 4.1 }, { 46.2, 9.9 }, { 31.7, 47.3 }, { 12.2, 33.3 }, { 20.1, 20.2 } }) } };
    const auto whole = all_fractions(g, p);
    CoverageRasterizer raster(g, p, 16);
    CoverageWindow cw;
    for (int r0 = 0; r0 < 50; r0 += 16)
        for (int c0 = 0; c0 < 50; c0 += 7) {
            const Window w{ c0, r0, std::min(7, 50 - c0), std::min(16, 50 - r0) };
            raster.rasterize(w, cw);
            for (int r = cw.window.row0; r < cw.window.row_end(); ++r)
                for (int c = cw.window.col0; c < cw.window.col_end(); ++c)
                    ASSERT_NEAR(cw.at(r, c), whole[std::size_t(r) * 50 + c], 1e-12);
        }
}

TEST(CoverageRasterizer, EveryDeltaLiesInABlockMarkedTouched)
{
    // A consumer skips 64-column blocks not marked touched without reading them: every non-zero
    // delta (the sink column included) must lie in a marked block, on windows wider than 4,096
    // columns (two words a row) and narrower, with a polygon that extends past the window's left
    // edge (its deltas go to column 0).
    const Grid g(0, 300, 1, 1, 9000, 300);
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> x(-50.0, 9050.0), y(5.0, 295.0);
    std::vector<Point> pts;
    for (int i = 0; i < 60; ++i) {
        const double a = 2 * M_PI * i / 60;
        pts.push_back({ 4500 + 4400 * std::cos(a) + 0.3 * x(rng) * 0.01, 150 + 140 * std::sin(a) + 0.01 * y(rng) });
    }
    CoverageRasterizer raster(g, Rings{ { ring(pts) } }, 64);
    for (const Window w : { Window{ 0, 0, 9000, 300 }, Window{ 4000, 64, 600, 64 }, Window{ 100, 100, 5000, 50 } }) {
        CoverageDeltas d;
        raster.deltas(w, d);
        std::size_t nonzero = 0;
        for (int r = 0; r < d.window.rows; ++r)
            for (int c = 0; c <= d.window.cols; ++c)
                if (d.deltas[std::size_t(r) * d.stride() + c] != 0.0) {
                    ++nonzero;
                    ASSERT_TRUE(d.touched_block(r, c)) << "row " << r << " column " << c;
                }
        EXPECT_GT(nonzero, 0u);
        // and few blocks are marked: edges cross each row twice
        std::size_t marked = 0;
        for (int r = 0; r < d.window.rows; ++r)
            for (int c = 0; c <= d.window.cols; c += 64)
                marked += d.touched_block(r, c);
        EXPECT_LT(marked, std::size_t(d.window.rows) * 8) << w.col0;
    }
}
