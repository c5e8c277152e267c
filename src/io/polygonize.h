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
/// It may hold only rows [row0, row0 + rows) of @p grid (a shard of a cluster run). Polygons are
/// traced in cell units and placed on @p grid by one formula (x_left + col × dx, y_top − row × dy),
/// so the edge shared by two shards' polygons has the same coordinates, bit for bit, on both sides.
/// The file lives in @p work_dir and is removed with the object; memory does not grow with the
/// raster.
class LabelRaster
{
public:
    LabelRaster(const std::string& work_dir, const Grid& grid, int row0 = 0, int rows = -1);
    ~LabelRaster();
    LabelRaster(const LabelRaster&) = delete;
    LabelRaster& operator=(const LabelRaster&) = delete;

    /// Writes one row of labels (0: none); @p row counts from the top of the grid.
    void write_row(int row, const std::vector<std::int32_t>& labels);

    /// The polygons of every label value, in the grid's CRS (a label may give several polygons).
    std::map<std::int32_t, std::vector<std::unique_ptr<OGRGeometry>>> polygonize();

private:
    std::string m_path;
    Grid m_grid;
    int m_row0 = 0;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace redline
