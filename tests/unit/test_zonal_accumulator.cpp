// Class areas weighted by coverage × cell area, on a grid small enough to compute by hand.
#include "zonal_accumulator.h"

#include <gtest/gtest.h>

using namespace redline;

TEST(ZonalAccumulator, WeightsEachCellByFractionAndArea)
{
    // 3×3 grid of unit cells; the zone is the triangle x + y <= 3 (fractions 1, 1/2, 0).
    const Grid g(0, 3, 1, 1, 3, 3);
    RasterZone zone;
    zone.zone = std::make_shared<CoverageRasterizer>(g, Rings{ { Ring{ { { 0, 0 }, { 3, 0 }, { 0, 3 } }, false } } });
    // Values row by row from the top; 9 is nodata. Cell areas differ per row (like latitude).
    const std::vector<std::int32_t> values{ 10, 20, 20, 10, 9, 20, 30, 10, 10 };
    const std::vector<double> areas{ 2, 2, 2, 3, 3, 3, 5, 5, 5 };
    ZonalAccumulator acc;
    std::vector<ZoneClassAreas> out;
    ValueWindow cells;
    cells.window = g.full_window();
    cells.values = values.data();
    cells.cell_areas = areas.data();
    cells.nodata = 9;
    acc.add(cells, { zone }, out);
    ASSERT_EQ(out.size(), 1u);
    // Fractions (top row first): 0.5 0 0 / 1 0.5 0 / 1 1 0.5.
    EXPECT_DOUBLE_EQ(out[0].all.area_of(10), 0.5 * 2 + 1 * 3 + 1 * 5 + 0.5 * 5);
    EXPECT_DOUBLE_EQ(out[0].all.area_of(30), 1 * 5);
    EXPECT_DOUBLE_EQ(out[0].all.area_of(20), 0.0);
    EXPECT_DOUBLE_EQ(out[0].all.nodata_area(), 0.5 * 3);
    EXPECT_DOUBLE_EQ(out[0].all.valid_area() + out[0].all.nodata_area(), 2 * 0.5 + 3 * 1.5 + 5 * 2.5);
}

TEST(ZonalAccumulator, WindowsAddUpToTheWholeGrid)
{
    const Grid g(0, 40, 1, 1, 40, 40);
    const Rings poly{ { Ring{ { { 3.3, 2.2 }, { 37.1, 9.9 }, { 22.2, 38.8 }, { 5.5, 30.1 } }, false } } };
    RasterZone zone;
    zone.zone = std::make_shared<CoverageRasterizer>(g, poly, 8);
    std::vector<std::int32_t> values(1600);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = std::int32_t(i % 7 == 0 ? 300 : i % 3); // 300 exercises the map
    const std::vector<double> areas(1600, 1.0);

    ZonalAccumulator acc;
    std::vector<ZoneClassAreas> whole;
    ValueWindow all;
    all.window = g.full_window();
    all.values = values.data();
    all.cell_areas = areas.data();
    acc.add(all, { zone }, whole);

    std::vector<ZoneClassAreas> pieces(1);
    for (const Window& w : g.block_windows(16, 8, 16 * 8)) {
        std::vector<std::int32_t> v;
        std::vector<double> a;
        for (int r = w.row0; r < w.row_end(); ++r)
            for (int c = w.col0; c < w.col_end(); ++c) {
                v.push_back(values[std::size_t(r) * 40 + c]);
                a.push_back(1.0);
            }
        std::vector<ZoneClassAreas> part;
        ValueWindow cells;
        cells.window = w;
        cells.values = v.data();
        cells.cell_areas = a.data();
        acc.add(cells, { zone }, part);
        pieces[0].merge(part[0]);
    }
    for (std::int64_t v : { 0, 1, 2, 300 })
        EXPECT_NEAR(pieces[0].all.area_of(v), whole[0].all.area_of(v), 1e-9) << v;
    // The shoelace area of the quadrilateral, an independent total.
    EXPECT_NEAR(whole[0].all.valid_area(), planar_area(poly), 1e-9);
}

namespace {

/// Cell areas of 2, 3 and 5 m² by row (top first), given row by row as a raster pass asks.
class RowAreas : public CellAreas
{
public:
    void fill(const Window& w, std::vector<double>& out) const override
    {
        out.resize(w.size());
        for (int r = 0; r < w.rows; ++r)
            std::fill_n(out.begin() + std::ptrdiff_t(r) * w.cols, w.cols, area(w.row0 + r));
    }
    void prepare(const Window&) override {}
    void run(int row, int, int count, double* out) override
    {
        asked += count;
        std::fill_n(out, count, area(row));
    }
    static double area(int row) { return row == 0 ? 2 : row == 1 ? 3 : 5; }
    int asked = 0;
};

} // namespace

TEST(ZonalAccumulator, ByteCellsWithAreasByRowWeighEachCoveredCellOnce)
{
    // The first test's triangle on Byte values, areas asked for row by row: the same sums, and
    // only the covered cells' areas asked for (6 of 9; the cells right of the edge are not).
    const Grid g(0, 3, 1, 1, 3, 3);
    RasterZone zone;
    zone.zone = std::make_shared<CoverageRasterizer>(g, Rings{ { Ring{ { { 0, 0 }, { 3, 0 }, { 0, 3 } }, false } } });
    const std::vector<std::uint8_t> values{ 10, 20, 20, 10, 9, 20, 30, 10, 10 };
    RowAreas areas;
    ZonalAccumulator acc;
    std::vector<ZoneClassAreas> out;
    ValueWindow cells;
    cells.window = g.full_window();
    cells.bytes = values.data();
    cells.area_rows = &areas;
    cells.nodata = 9;
    acc.add(cells, { zone }, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_DOUBLE_EQ(out[0].all.area_of(10), 0.5 * 2 + 1 * 3 + 1 * 5 + 0.5 * 5);
    EXPECT_DOUBLE_EQ(out[0].all.area_of(30), 1 * 5);
    EXPECT_DOUBLE_EQ(out[0].all.area_of(20), 0.0);
    EXPECT_DOUBLE_EQ(out[0].all.nodata_area(), 0.5 * 3);
    EXPECT_LE(areas.asked, 9);
}

namespace {

/// Values over a 96 × 64 grid with long runs of four classes and nodata (255) every seventh run.
std::vector<std::uint8_t> run_values()
{
    std::vector<std::uint8_t> values(96 * 64);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = std::uint8_t((i / 7) % 5 == 0 ? 255 : 10 * ((i / 13) % 4));
    return values;
}

/// Adds window @p w of @p values (a grid @p grid_cols wide) to @p zone twice, with the window's
/// array of areas from @p areas.fill and with @p areas given row by row, as Byte values or (@p bytes
/// false) as 32-bit integers, and asserts the same sums: to the bit, or within @p relative of each
/// other where the rows are weighed a run of one class at a time. Returns the valid area weighed.
double expect_rows_agree_with_window(const Window& w, const std::vector<std::uint8_t>& values, const RasterZone& zone,
                                     CellAreas& areas, bool bytes, int grid_cols = 96, double relative = 0.0)
{
    std::vector<std::uint8_t> v;
    std::vector<std::int32_t> v32;
    for (int r = w.row0; r < w.row_end(); ++r)
        for (int c = w.col0; c < w.col_end(); ++c) {
            v.push_back(values[std::size_t(r) * std::size_t(grid_cols) + std::size_t(c)]);
            v32.push_back(values[std::size_t(r) * std::size_t(grid_cols) + std::size_t(c)]);
        }
    std::vector<double> a;
    areas.fill(w, a);
    ZonalAccumulator acc;
    std::vector<ZoneClassAreas> by_window, by_row;
    ValueWindow cells;
    cells.window = w;
    cells.bytes = bytes ? v.data() : nullptr;
    cells.values = bytes ? nullptr : v32.data();
    cells.nodata = 255;
    cells.cell_areas = a.data();
    acc.add(cells, { zone }, by_window);
    cells.cell_areas = nullptr;
    areas.prepare(w);
    cells.area_rows = &areas;
    acc.add(cells, { zone }, by_row);
    auto expect_agree = [&](double row_sum, double window_sum, const std::string& what) {
        if (relative == 0.0)
            EXPECT_EQ(row_sum, window_sum) << what << " in window at " << w.col0 << "," << w.row0;
        else
            EXPECT_NEAR(row_sum, window_sum, relative * window_sum) << what << " in window at " << w.col0 << "," << w.row0;
    };
    for (std::int64_t k : { 0, 10, 20, 30 })
        expect_agree(by_row[0].all.area_of(k), by_window[0].all.area_of(k), "class " + std::to_string(k));
    expect_agree(by_row[0].all.nodata_area(), by_window[0].all.nodata_area(), "nodata");
    return by_window[0].all.valid_area();
}

} // namespace

TEST(ZonalAccumulator, AreasByRowGiveTheSameBitsAsAreasOfTheWindow)
{
    // A polygon wider than some windows (coverage carried to the right edge) and narrower than
    // others, over Byte values with long runs: both ways of giving the areas, the same sums.
    const Grid g(0, 64, 1, 1, 96, 64);
    const Rings poly{ { Ring{ { { 3.3, 2.2 }, { 95.0, 9.9 }, { 70.2, 63.1 }, { 5.5, 50.1 } }, false } } };
    RasterZone zone;
    zone.zone = std::make_shared<CoverageRasterizer>(g, poly, 16);
    const std::vector<std::uint8_t> values = run_values();
    LatticeCellAreas lattice(g, [](double x, double y) { return 100.0 + 0.01 * x + 0.003 * y + 1e-5 * x * y; }, 8.0, 8);
    for (const Window& w : g.block_windows(32, 16, 32 * 16))
        expect_rows_agree_with_window(w, values, zone, lattice, true);
}

TEST(ZonalAccumulator, UniformRowsOfAGeographicGridGiveTheSameBitsAsAreasOfTheWindow)
{
    // A grid in degrees: every cell of a row has the same area, and the accumulator weighs a row
    // by that one number (CellAreas::uniform_row). The sums must be those of the window's array of
    // areas, to the bit, for Byte and for integer values, for cells cut by edges and inside.
    const Grid g(108.0, 30.0, 0.001, 0.001, 96, 64);
    const Rings poly{ { Ring{ { { 108.0033, 29.9978 }, { 108.095, 29.9901 }, { 108.0702, 29.9369 }, { 108.0055, 29.9499 } },
                              false } } };
    RasterZone zone;
    zone.zone = std::make_shared<CoverageRasterizer>(g, poly, 16);
    const std::vector<std::uint8_t> values = run_values();
    GeographicCellAreas geographic(g, Ellipsoid::cgcs2000());
    int windows = 0;
    for (const Window& w : g.block_windows(32, 16, 32 * 16, 16)) { // 12 windows of 32 x 16
        if (expect_rows_agree_with_window(w, values, zone, geographic, true) > 0.0)
            ++windows;
        expect_rows_agree_with_window(w, values, zone, geographic, false);
    }
    EXPECT_GT(windows, 4); // the polygon reached several windows, cut and whole
}

TEST(ZonalAccumulator, LongRunsOfAProjectedGridAgreeWithAreasOfTheWindow)
{
    // Rows of runs of 40 cells (land cover is piecewise constant): whole cells are weighed a run
    // at a time (add_class_runs), n × the area at the run's middle, which must agree with the
    // window's array of areas cell by cell up to rounding, inside the polygon and along its edges.
    const Grid g(500000, 3300000, 10, 10, 256, 32);
    const Rings poly{ { Ring{ { { 500033, 3299978 }, { 502555, 3299901 }, { 502100, 3299690 }, { 500055, 3299712 } },
                              false } } };
    RasterZone zone;
    zone.zone = std::make_shared<CoverageRasterizer>(g, poly, 16);
    std::vector<std::uint8_t> values(256 * 32);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = std::uint8_t((i / 40) % 3 == 0 ? 10 : (i / 40) % 3 == 1 ? 20 : 255);
    LatticeCellAreas lattice(g, [](double x, double y) { return 100.0 + 1e-4 * (x - 500000) + 3e-5 * (y - 3299700); },
                             2000.0, 64);
    double weighed = 0.0;
    for (const Window& w : g.block_windows(128, 16, 128 * 16))
        weighed += expect_rows_agree_with_window(w, values, zone, lattice, true, 256, 1e-13);
    EXPECT_GT(weighed, 1e5); // the polygon covers whole cells of both classes
}
