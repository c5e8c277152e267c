#pragma once

#include "ellipsoid.h"
#include "rings.h"

namespace redline {

/// @brief Ellipsoidal area of a polygon whose rings are in longitude/latitude degrees.
///
/// Each ring is measured with PROJ's geod_polygonarea (Karney 2013, the algorithm of
/// GeographicLib), its edges taken as geodesics; shells add and holes subtract, whatever
/// their orientation. Projected layers must be densified before their coordinates are turned
/// into longitude/latitude so that their straight edges are followed.
double geodesic_area(const Ellipsoid& ellipsoid, const Rings& lonlat);

/// Geodesic perimeter (m) of all rings.
double geodesic_perimeter(const Ellipsoid& ellipsoid, const Rings& lonlat);

} // namespace redline
