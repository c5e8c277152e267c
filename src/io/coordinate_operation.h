#pragma once

#include <ogr_spatialref.h>

#include <optional>
#include <string>

namespace redline {

/// @brief The operation PROJ would choose between two CRSs, when it can be had without PROJ's
/// search through intermediate CRSs.
///
/// When PROJ finds no transformation between two datums it looks for one through every CRS its
/// database links to either (30-50 ms of database queries) before it settles for the ballpark
/// operation, which applies no datum shift. That search is wasted when one datum is CGCS2000
/// (EPSG datum 1043), the datum of every layer redline measures: CGCS2000 takes part in no
/// transformation at all in the EPSG releases listed in coordinate_operation.cpp, so no path can
/// go through an intermediate CRS and the answer is the ballpark operation, which PROJ's direct
/// search finds in a few milliseconds. That is the case of every CGCS2000 layer laid on a WGS 84
/// raster (ESA WorldCover, Sentinel-2 in UTM).
///
/// Returns that operation as a PROJ pipeline (in the CRSs' own axis order, as
/// OGRCoordinateTransformationOptions::SetCoordinateOperation takes it), or nothing whenever it
/// does not hold for sure: neither datum is CGCS2000, PROJ's database is another EPSG release,
/// the direct search finds a real transformation, or anything fails. Then GDAL's own search runs.
///
/// Between 2D CRSs whose geographic CRSs share axes, units and a Greenwich prime meridian (every
/// pair of CGCS2000 and WGS 84, Beijing 1954 or Xian 1980 CRSs) even the direct search is skipped:
/// the ballpark operation is made from the two CRSs' conversions to their own geographic CRSs
/// (~1 ms where the search took 15-25 ms); @p made_by_halves, when given, says whether it was.
std::optional<std::string> operation_without_pivot_search(const OGRSpatialReference& from,
                                                          const OGRSpatialReference& to,
                                                          bool* made_by_halves = nullptr);

} // namespace redline
