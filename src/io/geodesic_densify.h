#pragma once

#include "ellipsoid.h"

class OGRGeometry;

namespace redline {

/// Inserts points along every edge of a longitude/latitude geometry that is longer than
/// @p max_segment_m, following the edge's geodesic (PROJ geod_inverseline), in place.
///
/// redline measures areas with edges taken as geodesics, as GeographicLib does. Clipping, dissolving
/// and rasterising, though, work on straight lines in the plane of the coordinates; for a long edge
/// (a 48 km edge at 29° N bulges 25 m off the straight line) they would disagree with the area.
/// Densified to 100 m, the straight pieces stay within millimetres of the geodesic, so every
/// operation sees the same polygon.
void densify_geodesic(OGRGeometry& lonlat, const Ellipsoid& ellipsoid, double max_segment_m = 100.0);

} // namespace redline
