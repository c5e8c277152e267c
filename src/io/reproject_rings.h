#pragma once

#include "crs.h"
#include "geos_context.h"
#include "rings.h"

namespace redline {

/// The rings of a working-CRS (longitude/latitude) polygon in another CRS, e.g. a raster's:
/// edges are first cut to at most 0.001° (about 100 m) so that they follow their course on the
/// ellipsoid rather than becoming long chords in the target projection.
Rings reproject_to_rings(const GeosContext& ctx, const GEOSGeometry* lonlat, const Reprojection& to_target);

} // namespace redline
