#pragma once

#include "crs.h"
#include "grid.h"

#include <gdal_priv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief One band of a class raster (land cover), read window by window.
///
/// Opening checks what can be checked up front: the file opens, the band exists, the raster is
/// georeferenced north-up without rotation, has a CRS, and holds integer classes.
class RasterSource
{
public:
    RasterSource(const std::string& path, int band, const std::string& option);

    /// The same raster opened again, for another thread (a GDAL dataset serves one thread at a
    /// time), with what this one found on opening (grid, CRS, nodata) copied rather than read
    /// again: reading a GeoTIFF's CRS is GDAL's slowest step in opening one (8-15 ms, most of it
    /// a throwaway CRS GDAL builds from the keys and looks up by name in PROJ's database before
    /// it imports the EPSG code), and a new thread pays it again in a PROJ context of its own.
    /// Call it on the thread that uses this source.
    std::unique_ptr<RasterSource> reopen() const;

    const std::string& path() const { return m_path; }
    int band_index() const { return m_band_index; }
    const Grid& grid() const { return m_grid; }
    const OGRSpatialReference& srs() const { return *m_srs; }
    std::optional<std::int32_t> nodata() const { return m_nodata; }
    int block_cols() const { return m_block_cols; }
    int block_rows() const { return m_block_rows; }
    std::string data_type_name() const;

    /// True for Byte bands, which read_bytes() reads without conversion.
    bool is_byte() const;

    /// Reads @p window into @p values (row-major, rows × cols), converting to 32-bit integers.
    void read(const Window& window, std::vector<std::int32_t>& values) const;
    /// Reads @p window of a Byte band as bytes.
    void read_bytes(const Window& window, std::vector<std::uint8_t>& values) const;

    /// Overrides the band's nodata value (--landcover-nodata).
    void set_nodata(std::optional<std::int32_t> nodata) { m_nodata = nodata; }

private:
    RasterSource(const RasterSource& opened, GDALDatasetUniquePtr dataset);
    void read_into(const Window& window, void* buffer, GDALDataType type) const;
    /// Reads a window of whole blocks of a Byte band block by block; false for any other window.
    bool read_blocks(const Window& window, std::uint8_t* out) const;
    std::string m_path;
    std::string m_option;
    int m_band_index;
    GDALDatasetUniquePtr m_dataset;
    GDALRasterBand* m_band = nullptr;
    Grid m_grid;
    SrsPtr m_srs;
    std::optional<std::int32_t> m_nodata;
    int m_block_cols = 256, m_block_rows = 256;
    mutable std::vector<std::uint8_t> m_block; ///< scratch of read_blocks (a source is used by one thread)
};

} // namespace redline
