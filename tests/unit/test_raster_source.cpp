// Reading a class raster window by window: every cell's value is the one written, whether the
// window is read block by block (windows of whole blocks, edge blocks cut) or through RasterIO.
#include "raster_source.h"

#include "error.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

using namespace redline;

namespace {

/// The value written at (row, col): distinct across neighbouring blocks and rows.
std::uint8_t value_at(int row, int col)
{
    return std::uint8_t((row * 7 + col * 13 + (row / 16) * 3) % 251);
}

/// A tiled, compressed Byte GeoTIFF of cols × rows cells in 16×16 blocks (edge blocks partial).
void write_tiled(const char* path, int cols, int rows, const char* compress)
{
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    const char* options[] = { "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", compress, nullptr };
    GDALDatasetUniquePtr ds(drv->Create(path, cols, rows, 1, GDT_Byte, const_cast<char**>(options)));
    ASSERT_TRUE(ds);
    double gt[6] = { 500000, 10, 0, 3300000, 0, -10 };
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(32649);
    ds->SetSpatialRef(&srs);
    std::vector<std::uint8_t> cells(std::size_t(cols) * std::size_t(rows));
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            cells[std::size_t(r) * cols + c] = value_at(r, c);
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(
                GF_Write, 0, 0, cols, rows, cells.data(), cols, rows, GDT_Byte, 0, 0, nullptr),
              CE_None);
}

} // namespace

TEST(RasterSource, WindowsOfWholeBlocksAndOthersReadTheCellsWritten)
{
    for (const char* compress : { "COMPRESS=DEFLATE", "COMPRESS=NONE" }) {
        const char* path = "/vsimem/raster_source_blocks.tif";
        write_tiled(path, 53, 41, compress); // 4 × 3 blocks, the last column and row of blocks partial
        RasterSource src(path, 1, "--landcover");
        ASSERT_TRUE(src.is_byte());
        ASSERT_EQ(src.block_cols(), 16);
        std::vector<std::uint8_t> out;
        // whole blocks (inner, edge, corner, whole raster), then windows that cut blocks
        for (const Window w : { Window{ 16, 16, 16, 16 },
                                Window{ 32, 0, 21, 41 },
                                Window{ 48, 32, 5, 9 },
                                Window{ 0, 0, 53, 41 },
                                Window{ 0, 16, 53, 16 },
                                Window{ 3, 5, 20, 30 },
                                Window{ 50, 40, 3, 1 } }) {
            src.read_bytes(w, out);
            ASSERT_EQ(out.size(), w.size());
            for (int r = 0; r < w.rows; ++r)
                for (int c = 0; c < w.cols; ++c)
                    ASSERT_EQ(out[std::size_t(r) * w.cols + c], value_at(w.row0 + r, w.col0 + c))
                      << compress << " window " << w.col0 << "," << w.row0 << " cell " << c << "," << r;
        }
        VSIUnlink(path);
    }
}

TEST(RasterSource, AReopenedSourceHasWhatTheFirstFoundAndReadsTheSameCells)
{
    const char* path = "/vsimem/raster_source_reopen.tif";
    write_tiled(path, 53, 41, "COMPRESS=DEFLATE");
    RasterSource first(path, 1, "--landcover");
    first.set_nodata(7); // --landcover-nodata: an override the file does not hold
    const std::unique_ptr<RasterSource> again = first.reopen();
    EXPECT_EQ(again->grid().cols(), 53);
    EXPECT_EQ(again->grid().rows(), 41);
    EXPECT_EQ(again->grid().dx(), 10.0);
    EXPECT_EQ(again->grid().extent().xmin, 500000.0);
    EXPECT_EQ(again->grid().extent().ymax, 3300000.0);
    EXPECT_STREQ(again->srs().GetAuthorityCode(nullptr), "32649");
    EXPECT_EQ(again->nodata(), std::optional<std::int32_t>(7));
    EXPECT_EQ(again->block_cols(), 16);
    EXPECT_TRUE(again->is_byte());
    std::vector<std::uint8_t> a, b;
    first.read_bytes(Window{ 3, 5, 40, 30 }, a);
    again->read_bytes(Window{ 3, 5, 40, 30 }, b);
    EXPECT_EQ(a, b);
    EXPECT_EQ(b[0], value_at(5, 3));

    // A raster replaced by another of a different size during the run: an input error, not a
    // read past its end.
    write_tiled(path, 20, 20, "COMPRESS=NONE");
    EXPECT_THROW(first.reopen(), InputError);
    VSIUnlink(path);
}
