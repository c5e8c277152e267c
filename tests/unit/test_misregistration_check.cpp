#include "error.h"
#include "activity/misregistration_check.h"
#include "report_json.h"

#include <gtest/gtest.h>

#include <gdal_priv.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <complex>
#include <algorithm>
#include <random>

using namespace redline;

namespace {

const double X0 = 300000, Y0 = 3300000, CELL = 10;

/// A random landscape (400 plane waves, frequencies evenly over 0.4 cycles per cell, amplitudes
/// falling as 1/frequency) sampled on an @p n × @p n grid so that what it shows at cell (c, r) of
/// the ground appears at (c + dx, r + dy): a planted shift, with no resampling involved.
std::vector<double> landscape(unsigned seed, int n, double dx, double dy)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> sum(std::size_t(n) * std::size_t(n), 1000.0);
    std::vector<std::complex<double>> along_x(static_cast<std::size_t>(n)), along_y(static_cast<std::size_t>(n));
    for (int i = 0; i < 400; ++i) {
        const double f = std::sqrt(0.0004 + (0.16 - 0.0004) * u(rng)), angle = 2 * M_PI * u(rng);
        const double fx = f * std::cos(angle), fy = f * std::sin(angle), phase = 2 * M_PI * u(rng);
        const double amplitude = 10.0 / (f + 0.02);
        for (int k = 0; k < n; ++k) {
            along_x[std::size_t(k)] = std::polar(amplitude, 2 * M_PI * fx * (k - dx) + phase);
            along_y[std::size_t(k)] = std::polar(1.0, 2 * M_PI * fy * (k - dy));
        }
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c)
                sum[std::size_t(r) * std::size_t(n) + std::size_t(c)] += (along_x[std::size_t(c)] * along_y[std::size_t(r)]).real();
    }
    return sum;
}

void write_tif(const std::string& path, int n, const std::vector<double>& values)
{
    GDALAllRegister();
    GDALDatasetUniquePtr ds(
      GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), n, n, 1, GDT_Float32, nullptr));
    double gt[6] = { X0, CELL, 0, Y0, 0, -CELL };
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(32649);
    ds->SetSpatialRef(&srs);
    std::vector<double> v = values;
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, n, n, v.data(), n, n, GDT_Float64, 0, 0, nullptr), CE_None);
}

ImageSpec spec(const std::string& option, const std::string& path)
{
    ImageSpec s;
    s.option = option;
    s.path = path;
    s.bands.blue = s.bands.green = s.bands.red = s.bands.nir = 1; // one band serves for all
    return s;
}

/// A rectangle of cells [c0, c1) × [r0, r1) of the grid, as the red line.
CoverageRasterizer red_line(const Grid& grid, int c0, int r0, int c1, int r1)
{
    Rings rings;
    rings.rings.push_back(Ring{ { { grid.x_of(c0), grid.y_of(r0) },
                                  { grid.x_of(c1), grid.y_of(r0) },
                                  { grid.x_of(c1), grid.y_of(r1) },
                                  { grid.x_of(c0), grid.y_of(r1) } },
                                false });
    return CoverageRasterizer(grid, rings);
}

MisregistrationCheck check(const std::string& before, const std::string& after, int c0, int r0, int c1, int r1,
                           int n = 512)
{
    const Grid grid(X0, Y0, CELL, CELL, n, n);
    const CoverageRasterizer rl = red_line(grid, c0, r0, c1, r1);
    return check_misregistration(spec("--before", before), spec("--after", after), rl, rl.footprint(),
                                 parse_after_shift("auto"));
}

std::string refusal(const std::string& before, const std::string& after)
{
    try {
        check(before, after, 0, 0, 512, 512);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(MisregistrationCheck, ParsesAfterShift)
{
    EXPECT_EQ(parse_after_shift("auto").mode, "auto");
    EXPECT_EQ(parse_after_shift("").mode, "auto");
    EXPECT_EQ(parse_after_shift("none").mode, "none");
    EXPECT_EQ(parse_after_shift("OFF").mode, "none");
    const MisregistrationCheck given = parse_after_shift(" 0.5,-1.25 ");
    EXPECT_EQ(given.mode, "given");
    EXPECT_EQ(given.correction.dx, 0.5);
    EXPECT_EQ(given.correction.dy, -1.25);
    ASSERT_TRUE(correction_of(given));
    EXPECT_FALSE(correction_of(parse_after_shift("0,0")));
    for (const char* bad : { "half", "1,2,3", "1,", ",1", "nan,0", "1;2" })
        EXPECT_THROW(parse_after_shift(bad), InputError) << bad;
}

TEST(MisregistrationCheck, MeasuresAndCorrectsAPlantedShift)
{
    write_tif("/vsimem/mc_before.tif", 512, landscape(1, 512, 0, 0));
    write_tif("/vsimem/mc_after.tif", 512, landscape(1, 512, 0.7, -0.4));
    const MisregistrationCheck c = check("/vsimem/mc_before.tif", "/vsimem/mc_after.tif", 0, 0, 512, 512);
    EXPECT_TRUE(c.measured);
    EXPECT_EQ(c.window_size, 256);
    EXPECT_EQ(c.windows_where, "inside the red line");
    EXPECT_NEAR(c.consensus.shift.dx, 0.7, 0.05);
    EXPECT_NEAR(c.consensus.shift.dy, -0.4, 0.05);
    EXPECT_EQ(c.consensus.agreeing, c.consensus.windows);
    ASSERT_TRUE(correction_of(c));
    EXPECT_EQ(correction_of(c)->dx, c.consensus.shift.dx);
    EXPECT_DOUBLE_EQ(c.metres_x, 10.0);
    EXPECT_NE(c.verdict.find("corrected"), std::string::npos) << c.verdict;
    EXPECT_NE(c.verdict.find("m east"), std::string::npos) << c.verdict;
    EXPECT_NE(c.verdict.find("m north"), std::string::npos) << c.verdict;
}

TEST(MisregistrationCheck, SmallRedLinesAreMeasuredAroundThem)
{
    write_tif("/vsimem/mc_small_b.tif", 512, landscape(2, 512, 0, 0));
    write_tif("/vsimem/mc_small_a.tif", 512, landscape(2, 512, -0.3, 0.6));
    const MisregistrationCheck c = check("/vsimem/mc_small_b.tif", "/vsimem/mc_small_a.tif", 240, 240, 270, 270);
    EXPECT_TRUE(c.measured);
    EXPECT_EQ(c.windows_where, "in and around the red line");
    EXPECT_NEAR(c.consensus.shift.dx, -0.3, 0.05);
    EXPECT_NEAR(c.consensus.shift.dy, 0.6, 0.05);
}

TEST(MisregistrationCheck, TinyShiftsAreLeftAlone)
{
    write_tif("/vsimem/mc_tiny_b.tif", 512, landscape(3, 512, 0, 0));
    write_tif("/vsimem/mc_tiny_a.tif", 512, landscape(3, 512, 0.1, 0.05));
    const MisregistrationCheck c = check("/vsimem/mc_tiny_b.tif", "/vsimem/mc_tiny_a.tif", 0, 0, 512, 512);
    EXPECT_TRUE(c.measured);
    EXPECT_NEAR(c.consensus.shift.dx, 0.1, 0.05);
    EXPECT_FALSE(correction_of(c));
    EXPECT_NE(c.verdict.find("not corrected"), std::string::npos) << c.verdict;
}

TEST(MisregistrationCheck, RefusesShiftsBeyondRepairAndUnrelatedImages)
{
    write_tif("/vsimem/mc_far_b.tif", 512, landscape(4, 512, 0, 0));
    write_tif("/vsimem/mc_far_a.tif", 512, landscape(4, 512, 3.0, 0.0));
    const std::string far = refusal("/vsimem/mc_far_b.tif", "/vsimem/mc_far_a.tif");
    // The message gives the measured shift: the planted 3 cells right, 30 m east.
    auto number_after = [&](const std::string& words) {
        const std::size_t at = far.find(words);
        return at == std::string::npos ? -1.0 : std::atof(far.c_str() + at + words.size());
    };
    EXPECT_NEAR(number_after("misregistered by "), 3.0, 0.05) << far;
    EXPECT_NEAR(number_after("shows things "), 3.0, 0.05) << far;
    EXPECT_NE(far.find("cells right"), std::string::npos) << far;
    const std::size_t metres = far.find('(', far.find("shows things"));
    EXPECT_NEAR(std::atof(far.c_str() + metres + 1), 30.0, 0.5) << far;
    EXPECT_NE(far.find("m east"), std::string::npos) << far;
    EXPECT_NE(far.find("Co-register the images first"), std::string::npos) << far;
    // Another landscape altogether: no clear peak anywhere.
    write_tif("/vsimem/mc_other_a.tif", 512, landscape(99, 512, 0, 0));
    const std::string other = refusal("/vsimem/mc_far_b.tif", "/vsimem/mc_other_a.tif");
    EXPECT_NE(other.find("do not line up clearly"), std::string::npos) << other;
    EXPECT_NE(other.find("0 with a clear correlation peak"), std::string::npos) << other;
}

TEST(MisregistrationCheck, NotMeasuredWithoutEnoughValidCells)
{
    // Every other row of the after image without data (a striped, cloudy or half-empty scene):
    // no window is valid for three quarters of its cells. Reported, not guessed.
    std::vector<double> striped = landscape(5, 512, 0.5, 0.5);
    for (int r = 0; r < 512; r += 2)
        std::fill(striped.begin() + std::ptrdiff_t(r) * 512, striped.begin() + std::ptrdiff_t(r + 1) * 512, 0.0);
    write_tif("/vsimem/mc_stripes_b.tif", 512, landscape(5, 512, 0, 0));
    write_tif("/vsimem/mc_stripes_a.tif", 512, striped);
    const Grid grid(X0, Y0, CELL, CELL, 512, 512);
    const CoverageRasterizer rl = red_line(grid, 0, 0, 512, 512);
    ImageSpec after = spec("--after", "/vsimem/mc_stripes_a.tif");
    after.nodata = 0.0;
    const MisregistrationCheck c =
      check_misregistration(spec("--before", "/vsimem/mc_stripes_b.tif"), after, rl, rl.footprint(), parse_after_shift("auto"));
    EXPECT_FALSE(c.measured);
    EXPECT_FALSE(correction_of(c));
    EXPECT_NE(c.verdict.find("not measured"), std::string::npos) << c.verdict;
}

TEST(MisregistrationCheck, TheCalibrationKeepsItToTheBit)
{
    MisregistrationCheck m;
    m.measured = true;
    m.window_size = 128;
    m.windows_where = "inside the red line";
    m.consensus.windows = 9;
    m.consensus.clear = 8;
    m.consensus.agreeing = 7;
    m.consensus.spread = 0.1 / 3;
    m.consensus.shift = CellShift{ 1.0 / 3.0, -2.0 / 7.0 };
    m.correction = m.consensus.shift;
    m.metres_x = 9.123456789012345;
    m.metres_y = 11.1;
    m.verdict = "measured …";
    JsonWriter j;
    write_misregistration(j, m, true);
    CPLJSONDocument doc;
    ASSERT_TRUE(doc.LoadMemory(j.str()));
    const MisregistrationCheck b = misregistration_from_json(doc.GetRoot());
    EXPECT_EQ(b.correction.dx, m.correction.dx);
    EXPECT_EQ(b.correction.dy, m.correction.dy);
    EXPECT_EQ(b.consensus.shift.dy, m.consensus.shift.dy);
    EXPECT_EQ(b.metres_x, m.metres_x);
    EXPECT_EQ(b.consensus.agreeing, 7);
    EXPECT_EQ(b.windows_where, m.windows_where);
    EXPECT_EQ(b.verdict, m.verdict);
    CPLJSONDocument empty;
    ASSERT_TRUE(empty.LoadMemory("{}"));
    EXPECT_THROW(misregistration_from_json(empty.GetRoot().GetObj("misregistration")), InputError);
}
