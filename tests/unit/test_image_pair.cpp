#include "image_pair.h"

#include <gtest/gtest.h>

#include <gdal_priv.h>

#include <cmath>
#include <functional>
#include <random>

using namespace redline;

namespace {

/// Writes a GeoTIFF in GDAL's memory file system: @p bands (row-major) on the grid with top-left
/// (x0, y0) and square cells of @p cell metres, EPSG:32649.
void write_tif(const std::string& path, double x0, double y0, double cell, int cols, int rows,
               const std::vector<std::vector<double>>& bands, GDALDataType type = GDT_Float32)
{
    GDALAllRegister();
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(gtiff->Create(path.c_str(), cols, rows, int(bands.size()), type, nullptr));
    double gt[6] = { x0, cell, 0, y0, 0, -cell };
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(32649);
    ds->SetSpatialRef(&srs);
    for (std::size_t b = 0; b < bands.size(); ++b) {
        std::vector<double> v = bands[b];
        EXPECT_EQ(ds->GetRasterBand(int(b) + 1)->RasterIO(GF_Write, 0, 0, cols, rows, v.data(), cols, rows, GDT_Float64,
                                                           0, 0, nullptr),
                  CE_None);
    }
}

std::vector<double> cells(int cols, int rows, const std::function<double(int, int)>& f)
{
    std::vector<double> v(std::size_t(cols) * std::size_t(rows));
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            v[std::size_t(r) * std::size_t(cols) + std::size_t(c)] = f(c, r);
    return v;
}

ImageSpec spec(const std::string& option, const std::string& path, const std::string& bands)
{
    ImageSpec s;
    s.option = option;
    s.path = path;
    if (bands == "band 1 for all") {
        s.bands.blue = s.bands.green = s.bands.red = s.bands.nir = 1; // what parse() refuses, for one-band rasters
    } else {
        s.bands = BandMapping::parse(bands, "--bands");
    }
    return s;
}

const double X0 = 300000, Y0 = 3300000;

} // namespace

TEST(ImagePair, ReadsSwir2WhenBothDatesHaveIt)
{
    std::vector<std::vector<double>> six;
    for (int b = 1; b <= 6; ++b)
        six.push_back(cells(8, 8, [b](int c, int r) { return 100.0 * b + c + 10 * r; }));
    write_tif("/vsimem/swir_b.tif", X0, Y0, 10, 8, 8, six);
    write_tif("/vsimem/swir_a.tif", X0, Y0, 10, 8, 8, six);
    const ImageSpec b = spec("--before", "/vsimem/swir_b.tif", "blue=1,green=2,red=3,nir=4,swir1=5,swir2=6");
    ImagePair both(b, spec("--after", "/vsimem/swir_a.tif", "blue=1,green=2,red=3,nir=4,swir1=5,swir2=6"));
    EXPECT_TRUE(both.has_swir2());
    EXPECT_FALSE(both.after_warped());
    EXPECT_EQ(both.after_resampling().bands, "none");
    BandWindow wb, wa;
    both.read(Window{ 2, 3, 4, 2 }, wb, wa);
    ASSERT_TRUE(wb.has_swir2());
    EXPECT_FLOAT_EQ(wb.bands[5][0], 600.0f + 2 + 30);
    EXPECT_FLOAT_EQ(wa.bands[4][5], 500.0f + 3 + 40);
    EXPECT_FLOAT_EQ(wa.bands[3][0], 400.0f + 2 + 30);
    // One date without swir2: the slot stays empty, swir1 is still read.
    ImagePair one(b, spec("--after", "/vsimem/swir_a.tif", "blue=1,green=2,red=3,nir=4,swir1=5"));
    EXPECT_FALSE(one.has_swir2());
    one.read(Window{ 0, 0, 8, 8 }, wb, wa);
    EXPECT_FALSE(wb.has_swir2());
    EXPECT_FALSE(wa.has_swir2());
    EXPECT_EQ(wb.bands[4].size(), 64u);
}

TEST(ImagePair, ShiftCorrectionMovesTheAfterImageBack)
{
    // The after image shows the ground (a linear ramp, which bilinear resampling reproduces
    // exactly) dx cells right of and dy cells below where the before image does. Read with the
    // shift as correction, it matches the before image cell for cell.
    const double dx = 0.6, dy = -1.3;
    auto ramp = [](double c, double r) { return 50.0 + 2.0 * c + 3.0 * r; };
    write_tif("/vsimem/ramp_b.tif", X0, Y0, 10, 32, 32, { cells(32, 32, [&](int c, int r) { return ramp(c, r); }) });
    write_tif("/vsimem/ramp_a.tif", X0, Y0, 10, 32, 32,
              { cells(32, 32, [&](int c, int r) { return ramp(c - dx, r - dy); }) });
    const ImageSpec b = spec("--before", "/vsimem/ramp_b.tif", "band 1 for all");
    ImageSpec a = spec("--after", "/vsimem/ramp_a.tif", "band 1 for all");
    a.shift = CellShift{ dx, dy };
    ImagePair pair(b, a);
    EXPECT_TRUE(pair.after_warped());
    EXPECT_EQ(pair.after_resampling().bands, "bilinear");
    BandWindow wb, wa;
    const Window inner{ 4, 4, 24, 24 };
    pair.read(inner, wb, wa);
    for (std::size_t i = 0; i < inner.size(); ++i) {
        ASSERT_TRUE(wa.valid[i]) << i;
        ASSERT_NEAR(wa.bands[3][i], wb.bands[3][i], 1e-3) << i;
    }
    // Without the correction the dates differ by the planted shift: 2·0.6 + 3·(−1.3) = −2.7.
    a.shift.reset();
    ImagePair raw(b, a);
    raw.read(inner, wb, wa);
    EXPECT_NEAR(wa.bands[3][0] - wb.bands[3][0], -2.0 * dx - 3.0 * dy, 1e-3);
}

TEST(ImagePair, TranslationOnTheGridAgreesWithGdalsWarp)
{
    // The same random after image twice: on the before grid (corrected by a translation of its
    // own cells) and one cell east of it (corrected through GDAL's warper, the general path),
    // with shifts that make them the same correction. Bilinear both: the same values.
    std::mt19937 rng(9);
    std::uniform_real_distribution<double> u(100, 5000);
    const std::vector<double> values = cells(40, 40, [&](int, int) { return std::round(u(rng)); });
    write_tif("/vsimem/t_b.tif", X0, Y0, 10, 40, 40, { values });
    write_tif("/vsimem/t_on.tif", X0, Y0, 10, 40, 40, { values });
    write_tif("/vsimem/t_east.tif", X0 + 10, Y0, 10, 40, 40, { values });
    const ImageSpec b = spec("--before", "/vsimem/t_b.tif", "band 1 for all");
    ImageSpec on = spec("--after", "/vsimem/t_on.tif", "band 1 for all");
    ImageSpec east = spec("--after", "/vsimem/t_east.tif", "band 1 for all");
    on.shift = CellShift{ 0.35, -0.8 };
    east.shift = CellShift{ 1.35, -0.8 }; // the file already places everything a cell further east
    ImagePair a(b, on), c(b, east);
    BandWindow wb, wa, wc;
    const Window inner{ 3, 3, 34, 34 };
    a.read(inner, wb, wa);
    c.read(inner, wb, wc);
    for (std::size_t i = 0; i < inner.size(); ++i) {
        ASSERT_TRUE(wa.valid[i] && wc.valid[i]) << i;
        ASSERT_NEAR(wa.bands[0][i], wc.bands[0][i], 0.05) << i; // GDAL computes in float too
    }
}

TEST(ImagePair, ShiftCorrectionMovesTheAfterMaskToo)
{
    // A cloud in after cell (10, 10) of an image misregistered by 2 cells right and 1 down: on
    // the ground, and so on the corrected before grid, it is at (8, 9).
    write_tif("/vsimem/m_b.tif", X0, Y0, 10, 20, 20, { cells(20, 20, [](int, int) { return 1.0; }) });
    write_tif("/vsimem/m_a.tif", X0, Y0, 10, 20, 20, { cells(20, 20, [](int, int) { return 1.0; }) });
    std::vector<double> mask(400, 4.0);
    mask[10 * 20 + 10] = 9.0;
    write_tif("/vsimem/m_m.tif", X0, Y0, 10, 20, 20, { mask }, GDT_Byte);
    ImageSpec a = spec("--after", "/vsimem/m_a.tif", "band 1 for all");
    a.mask_path = "/vsimem/m_m.tif";
    a.mask_rule = MaskConvention::parse("name: s2_scl\nkind: values\ninvalid: 0, 9\n", "s2_scl");
    a.shift = CellShift{ 2.0, 1.0 };
    ImagePair pair(spec("--before", "/vsimem/m_b.tif", "band 1 for all"), a);
    BandWindow wb, wa;
    pair.read(Window{ 4, 4, 10, 10 }, wb, wa);
    for (int r = 4; r < 14; ++r)
        for (int c = 4; c < 14; ++c)
            EXPECT_EQ(wa.valid[std::size_t(r - 4) * 10 + std::size_t(c - 4)], (c == 8 && r == 9) ? 0 : 1) << c << "," << r;
}

TEST(ImagePair, CoarseningAveragesAndMasksCellsMostlyInvalid)
{
    // Before: 8 × 8 cells of 10 m. After: the same extent in 5 m cells (ratio 0.5), random
    // values; its mask in 2.5 m cells, so that a before cell holds 16 mask cells.
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(100, 5000);
    const std::vector<double> fine = cells(16, 16, [&](int, int) { return std::round(u(rng)); });
    write_tif("/vsimem/c_b.tif", X0, Y0, 10, 8, 8, { cells(8, 8, [](int, int) { return 1000.0; }) });
    write_tif("/vsimem/c_a.tif", X0, Y0, 5, 16, 16, { fine });
    // Mask codes (Sentinel-2 SCL: 4 vegetation is valid, 9 cloud is not) per 2.5 m cell.
    std::vector<double> mask(32 * 32, 4.0);
    auto set = [&](int c, int r) { mask[std::size_t(r) * 32 + std::size_t(c)] = 9.0; };
    set(0, 0);                                  // before cell (0, 0): 1 of 16 (6 %): kept
    set(4, 0), set(5, 0);                       // before cell (1, 0): 2 of 16 (12.5 %): left out
    for (int r = 4; r < 8; ++r)                 // before cell (1, 1): all 16: left out
        for (int c = 4; c < 8; ++c)
            set(c, r);
    write_tif("/vsimem/c_m.tif", X0, Y0, 2.5, 32, 32, { mask }, GDT_Byte);
    const ImageSpec b = spec("--before", "/vsimem/c_b.tif", "band 1 for all");
    ImageSpec a = spec("--after", "/vsimem/c_a.tif", "band 1 for all");
    a.mask_path = "/vsimem/c_m.tif";
    a.mask_rule = MaskConvention::parse("name: s2_scl\nkind: values\ninvalid: 0, 1, 3, 8, 9, 10\n", "s2_scl");
    ImagePair pair(b, a);
    EXPECT_NEAR(pair.after_resampling().cell_ratio, 0.5, 1e-9);
    EXPECT_EQ(pair.after_resampling().bands, "average");
    EXPECT_NE(pair.after_resampling().masks.find("10 %"), std::string::npos);
    BandWindow wb, wa;
    pair.read(Window{ 0, 0, 8, 8 }, wb, wa);
    for (int r = 0; r < 8; ++r)
        for (int c = 0; c < 8; ++c) {
            double mean = 0;
            for (int i = 0; i < 2; ++i)
                for (int j = 0; j < 2; ++j)
                    mean += fine[std::size_t(2 * r + i) * 16 + std::size_t(2 * c + j)] / 4.0;
            EXPECT_NEAR(wa.bands[0][std::size_t(r) * 8 + std::size_t(c)], mean, 1e-2) << c << "," << r;
        }
    EXPECT_EQ(wa.valid[0], 1);  // 6 % cloud
    EXPECT_EQ(wa.valid[1], 0);  // 12.5 %
    EXPECT_EQ(wa.valid[9], 0);  // all cloud
    EXPECT_EQ(wa.valid[2], 1);  // clear
    EXPECT_EQ(wa.valid[63], 1);
}

TEST(ImagePair, RefiningIsBilinearWithNearestMasks)
{
    // After in 20 m cells (ratio 2): a ramp, which bilinear reproduces at the 10 m cell centres.
    write_tif("/vsimem/r_b.tif", X0, Y0, 10, 8, 8, { cells(8, 8, [](int, int) { return 1.0; }) });
    write_tif("/vsimem/r_a.tif", X0, Y0, 20, 4, 4, { cells(4, 4, [](int c, int r) { return 100.0 + 8 * c + 4 * r; }) });
    std::vector<double> mask(16, 4.0);
    mask[5] = 9.0; // 20 m cell (1, 1): before cells (2..3, 2..3)
    write_tif("/vsimem/r_m.tif", X0, Y0, 20, 4, 4, { mask }, GDT_Byte);
    ImageSpec a = spec("--after", "/vsimem/r_a.tif", "band 1 for all");
    a.mask_path = "/vsimem/r_m.tif";
    a.mask_rule = MaskConvention::parse("name: s2_scl\nkind: values\ninvalid: 0, 9\n", "s2_scl");
    ImagePair pair(spec("--before", "/vsimem/r_b.tif", "band 1 for all"), a);
    EXPECT_NEAR(pair.after_resampling().cell_ratio, 2.0, 1e-9);
    EXPECT_EQ(pair.after_resampling().bands, "bilinear");
    EXPECT_EQ(pair.after_resampling().masks, "nearest");
    BandWindow wb, wa;
    pair.read(Window{ 0, 0, 8, 8 }, wb, wa);
    // Before cell (3, 4) has its centre at 20 m-cell coordinates (1.75, 2.25): 100 + 8·1.25 + 4·1.75.
    EXPECT_NEAR(wa.bands[0][4 * 8 + 3], 100.0 + 8 * 1.25 + 4 * 1.75, 1e-3);
    for (int r = 0; r < 8; ++r)
        for (int c = 0; c < 8; ++c)
            EXPECT_EQ(wa.valid[std::size_t(r) * 8 + std::size_t(c)], (c / 2 == 1 && r / 2 == 1) ? 0 : 1) << c << "," << r;
}
