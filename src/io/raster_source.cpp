#include "raster_source.h"

#include "error.h"
#include "gdal_error.h"
#include "text.h"
#include "vector_source.h"

#include <cmath>
#include <cstring>

namespace redline {

RasterSource::RasterSource(const std::string& path, int band, const std::string& option)
  : m_path(path)
  , m_option(option)
  , m_band_index(band)
{
    gdal_init();
    CplErrorCapture capture;
    m_dataset.reset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR));
    if (!m_dataset)
        throw InputError(option + " " + path + ": " + why_unreadable(path, "raster") + gdal_says(capture));
    const int bands = m_dataset->GetRasterCount();
    if (band < 1 || band > bands)
        throw InputError(option + " " + path + ": band " + std::to_string(band) + " does not exist (the raster has " +
                         std::to_string(bands) + " band" + (bands == 1 ? "" : "s") + ")");
    m_band = m_dataset->GetRasterBand(band);

    double gt[6];
    if (m_dataset->GetGeoTransform(gt) != CE_None)
        throw InputError(option + " " + path +
                         ": the raster is not georeferenced (no geotransform); georeference it, e.g. "
                         "gdal_translate -a_srs EPSG:4545 -a_ullr ...");
    if (gt[2] != 0.0 || gt[4] != 0.0)
        throw InputError(option + " " + path +
                         ": the geotransform is rotated; warp it north-up first (gdalwarp in.tif out.tif)");
    if (!(gt[1] > 0) || !(gt[5] < 0))
        throw InputError(option + " " + path +
                         ": the raster is not north-up (pixel size " + fixed(gt[1], 6) + ", " + fixed(gt[5], 6) +
                         "); warp it north-up first (gdalwarp in.tif out.tif)");
    m_grid = Grid(gt[0], gt[3], gt[1], -gt[5], m_dataset->GetRasterXSize(), m_dataset->GetRasterYSize());

    const OGRSpatialReference* srs = m_dataset->GetSpatialRef();
    if (!srs)
        throw InputError(option + " " + path +
                         ": the raster has no CRS; assign the one it was made in, e.g. "
                         "gdal_edit.py -a_srs EPSG:32649 " + path);
    m_srs = clone_srs(*srs);

    const GDALDataType type = m_band->GetRasterDataType();
    if (GDALDataTypeIsFloating(type) || GDALDataTypeIsComplex(type))
        throw InputError(option + " " + path + ": band " + std::to_string(band) + " holds " +
                         GDALGetDataTypeName(type) + " values; a land-cover raster holds integer class codes (if "
                         "they are whole numbers, convert it: gdal_translate -ot Byte " + path + " classes.tif)");
    int has_nodata = 0;
    const double nd = m_band->GetNoDataValue(&has_nodata);
    if (has_nodata && std::isfinite(nd) && nd == std::floor(nd) && nd >= -2147483648.0 && nd <= 2147483647.0)
        m_nodata = std::int32_t(nd);
    m_band->GetBlockSize(&m_block_cols, &m_block_rows);
}

RasterSource::RasterSource(const RasterSource& opened, GDALDatasetUniquePtr dataset)
  : m_path(opened.m_path)
  , m_option(opened.m_option)
  , m_band_index(opened.m_band_index)
  , m_dataset(std::move(dataset))
  , m_band(m_dataset->GetRasterBand(m_band_index))
  , m_grid(opened.m_grid)
  , m_srs(clone_srs(*opened.m_srs))
  , m_nodata(opened.m_nodata)
  , m_block_cols(opened.m_block_cols)
  , m_block_rows(opened.m_block_rows)
{
}

std::unique_ptr<RasterSource> RasterSource::reopen() const
{
    CplErrorCapture capture;
    GDALDatasetUniquePtr dataset(
      GDALDataset::Open(m_path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR));
    // Opened a moment ago: failing now, the file was removed or replaced during the run.
    if (!dataset || dataset->GetRasterCount() < m_band_index || dataset->GetRasterXSize() != m_grid.cols() ||
        dataset->GetRasterYSize() != m_grid.rows())
        throw InputError(m_option + " " + m_path + ": the raster changed or went away while it was being read" +
                         gdal_says(capture));
    return std::unique_ptr<RasterSource>(new RasterSource(*this, std::move(dataset)));
}

std::string RasterSource::data_type_name() const
{
    return GDALGetDataTypeName(m_band->GetRasterDataType());
}

bool RasterSource::is_byte() const
{
    return m_band->GetRasterDataType() == GDT_Byte;
}

void RasterSource::read(const Window& window, std::vector<std::int32_t>& values) const
{
    values.resize(window.size());
    read_into(window, values.data(), GDT_Int32);
}

void RasterSource::read_bytes(const Window& window, std::vector<std::uint8_t>& values) const
{
    values.resize(window.size());
    if (!read_blocks(window, values.data()))
        read_into(window, values.data(), GDT_Byte);
}

bool RasterSource::read_blocks(const Window& window, std::uint8_t* out) const
{
    // A window of whole blocks is read block by block with ReadBlock: the driver decodes each
    // block straight into a buffer of ours. RasterIO would take every block through GDAL's block
    // cache (perf: a fifth of a district pass went to faulting in and copying cache blocks that
    // are never read again: each window is read once).
    const int bc = m_block_cols, br = m_block_rows;
    if (window.empty() || window.col0 % bc != 0 || window.row0 % br != 0 ||
        (window.col_end() % bc != 0 && window.col_end() != m_grid.cols()) ||
        (window.row_end() % br != 0 && window.row_end() != m_grid.rows()))
        return false;
    m_block.resize(std::size_t(bc) * std::size_t(br));
    CplErrorCapture capture;
    for (int by = window.row0 / br; by * br < window.row_end(); ++by) {
        for (int bx = window.col0 / bc; bx * bc < window.col_end(); ++bx) {
            if (m_band->ReadBlock(bx, by, m_block.data()) != CE_None)
                throw InputError(m_option + " " + m_path + ", band " + std::to_string(m_band_index) +
                                 ": cannot read block " + std::to_string(bx) + "," + std::to_string(by) +
                                 " (is the file truncated or corrupt?)" + gdal_says(capture));
            const int c0 = bx * bc, r0 = by * br;
            const int cols = std::min(bc, window.col_end() - c0), rows = std::min(br, window.row_end() - r0);
            for (int r = 0; r < rows; ++r)
                std::memcpy(out + std::size_t(r0 - window.row0 + r) * std::size_t(window.cols) +
                              std::size_t(c0 - window.col0),
                            m_block.data() + std::size_t(r) * std::size_t(bc), std::size_t(cols));
        }
    }
    return true;
}

void RasterSource::read_into(const Window& window, void* buffer, GDALDataType type) const
{
    if (window.empty())
        return;
    CplErrorCapture capture;
    const CPLErr err = m_band->RasterIO(GF_Read, window.col0, window.row0, window.cols, window.rows, buffer,
                                        window.cols, window.rows, type, 0, 0, nullptr);
    if (err != CE_None)
        throw InputError(m_option + " " + m_path + ", band " + std::to_string(m_band_index) + ": cannot read columns " +
                         std::to_string(window.col0) + "-" + std::to_string(window.col_end() - 1) + ", rows " +
                         std::to_string(window.row0) + "-" + std::to_string(window.row_end() - 1) +
                         " (is the file truncated or corrupt?)" + gdal_says(capture));
}

} // namespace redline
