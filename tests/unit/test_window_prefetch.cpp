// Windows decoded ahead of the raster pass: the cells the file holds, only the windows that meet
// the district, in reading order, within the memory budget.
#include "polygon_ops.h"
#include "coverage/raster_pass.h"
#include "coverage/window_prefetch.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <thread>

using namespace redline;

namespace {

std::uint8_t value_at(int row, int col)
{
    return std::uint8_t((row * 3 + col * 5) % 253);
}

/// 2,048 × 1,024 Byte cells of 0.001° from (100° E, 30° N), 256×256 DEFLATE tiles: the pass's
/// windows are 2,048 × 256 cells, four of them.
void write_raster(const char* path)
{
    GDALAllRegister();
    const char* options[] = { "TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", nullptr };
    GDALDatasetUniquePtr ds(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
      path, 2048, 1024, 1, GDT_Byte, const_cast<char**>(options)));
    ASSERT_TRUE(ds);
    double gt[6] = { 100.0, 0.001, 0, 30.0, 0, -0.001 };
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    ds->SetSpatialRef(&srs);
    std::vector<std::uint8_t> cells(2048 * 1024);
    for (int r = 0; r < 1024; ++r)
        for (int c = 0; c < 2048; ++c)
            cells[std::size_t(r) * 2048 + c] = value_at(r, c);
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(
                GF_Write, 0, 0, 2048, 1024, cells.data(), 2048, 1024, GDT_Byte, 0, 0, nullptr),
              CE_None);
}

GeomPtr box(const GeosContext& ctx, double lon0, double lat0, double lon1, double lat1)
{
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx.handle(), 5, 2);
    const double xy[5][2] = {
        { lon0, lat0 }, { lon1, lat0 }, { lon1, lat1 }, { lon0, lat1 }, { lon0, lat0 }
    };
    for (unsigned i = 0; i < 5; ++i)
        GEOSCoordSeq_setXY_r(ctx.handle(), seq, i, xy[i][0], xy[i][1]);
    GEOSGeometry* shell = GEOSGeom_createLinearRing_r(ctx.handle(), seq);
    return GeomPtr(GEOSGeom_createPolygon_r(ctx.handle(), shell, nullptr, 0), GeomDeleter{ ctx.handle() });
}

} // namespace

TEST(WindowPrefetch, DecodesTheDistrictsWindowsInReadingOrderWithinTheBudget)
{
    const char* path = "/vsimem/window_prefetch.tif";
    write_raster(path);
    const GeosContext ctx;
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    // rows 300-600: the second and third windows (rows 256-511 and 512-767)
    const GeomPtr district = box(ctx, 100.1, 29.4, 100.5, 29.7);
    const RasterInput input{ path, 1, std::nullopt, 2 };
    const Window first{ 0, 0, 2048, 256 }, second{ 0, 256, 2048, 256 }, third{ 0, 512, 2048, 256 };
    {
        WindowPrefetch prefetch(input, std::size_t(64) << 20);
        // Opened on another thread, which waits for the working CRS once the raster is open.
        std::thread helper([&] { prefetch.open(); });
        prefetch.set_working(wgs84);
        helper.join();
        EXPECT_FALSE(prefetch.decode_one()); // no district yet: nothing to decode
        const OpenedRaster opened = prefetch.opened_for_pass(); // what the pass reuses
        EXPECT_TRUE(opened.source && opened.to_raster);
        prefetch.set_district(district.get());
        prefetch.decode_all();
        prefetch.stop();
        EXPECT_TRUE(prefetch.take(first).empty()); // outside the district: not read
        for (const Window& w : { second, third }) {
            const std::vector<std::uint8_t> cells = prefetch.take(w);
            ASSERT_EQ(cells.size(), w.size());
            for (int r = 0; r < w.rows; ++r)
                for (int c = 0; c < w.cols; c += 7)
                    ASSERT_EQ(cells[std::size_t(r) * w.cols + c], value_at(w.row0 + r, c)) << r << "," << c;
        }
        ASSERT_TRUE(prefetch.source());
    }
    {
        // A budget of one window: the first of the district's windows only.
        // (not opened first: the first decode opens the raster)
        WindowPrefetch prefetch(input, 1);
        prefetch.set_working(wgs84);
        prefetch.set_district(district.get());
        while (prefetch.decode_one()) {
        }
        prefetch.stop();
        EXPECT_EQ(prefetch.take(second).size(), second.size());
        EXPECT_TRUE(prefetch.take(third).empty());
    }
    {
        // Stopped before it began: nothing decoded, nothing to take.
        WindowPrefetch prefetch(input, std::size_t(64) << 20);
        prefetch.set_working(wgs84);
        prefetch.set_district(district.get());
        prefetch.stop();
        EXPECT_FALSE(prefetch.decode_one());
        EXPECT_TRUE(prefetch.take(second).empty());
    }
    {
        // Stopped while it waits for a working CRS that never comes (the run failed first): the
        // opening gives up, and there is nothing for the pass.
        WindowPrefetch prefetch(input, std::size_t(64) << 20);
        std::thread helper([&] { prefetch.open(); });
        prefetch.stop();
        helper.join();
        const OpenedRaster opened = prefetch.opened_for_pass();
        EXPECT_FALSE(opened.source || opened.to_raster);
    }
    VSIUnlink(path);
}
