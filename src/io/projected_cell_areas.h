#pragma once

#include "cell_areas.h"
#include "crs.h"

#include <memory>

namespace redline {

/// Ellipsoidal cell areas for a raster grid in @p srs: the closed form per row for a geographic
/// grid; for a projected one, the geodesic area of the cell's corners turned into
/// longitude/latitude at lattice nodes, interpolated in between (LatticeCellAreas).
/// Each call creates its own PROJ objects: give each thread its own CellAreas.
std::unique_ptr<CellAreas> make_cell_areas(const Grid& grid, const OGRSpatialReference& srs);

/// The method the cell areas use, in words, for reports.
std::string cell_area_method(const OGRSpatialReference& srs);

} // namespace redline
