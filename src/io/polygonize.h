#pragma once

#include "crs.h"
#include "grid.h"

#include <ogr_geometry.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace redline {

/// @brief A raster of patch labels written row band by row band to a temporary GeoTIFF, then
/// turned into polygons by GDALPolygonize (8-connected).
///
/// The file lives in @p work_dir and is removed with the object; memory does not grow with the
/// raster.
class LabelRaster
{
public:
    LabelRaster(const std::string& work_dir, const Grid& grid, const OGRSpatialReference& srs);
    ~LabelRaster();
    LabelRaster(const LabelRaster&) = delete;
    LabelRaster& operator=(const LabelRaster&) = delete;

    /// Writes one row of labels (0: none).
    void write_row(int row, const std::vector<std::int32_t>& labels);

    /// The polygons of every label value, in the raster's CRS (a label may give several polygons).
    std::map<std::int32_t, std::vector<std::unique_ptr<OGRGeometry>>> polygonize();

private:
    std::string m_path;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace redline
