#pragma once

#include "geos_context.h"

#include <string>
#include <utility>
#include <vector>

namespace redline {

/// True when GEOS finds @p geometry valid; otherwise @p reason says why and where.
bool is_valid(const GeosContext& ctx, const GEOSGeometry* geometry, std::string& reason);

/// The polygonal part of @p geometry as a MultiPolygon (lines and points are dropped).
GeomPtr polygonal_part(const GeosContext& ctx, const GEOSGeometry* geometry);

/// Repairs an invalid polygon with GEOS MakeValid ("structure" method: shells are unioned and
/// holes subtracted, so a bow-tie becomes its two triangles) and keeps the polygonal result.
GeomPtr repair_polygon(const GeosContext& ctx, const GEOSGeometry* geometry);

/// Union of all @p geometries (the dissolve), as a MultiPolygon.
GeomPtr union_all(const GeosContext& ctx, const std::vector<const GEOSGeometry*>& geometries);

/// Polygonal intersection / difference (lines and points from touching boundaries are dropped).
GeomPtr intersection(const GeosContext& ctx, const GEOSGeometry* a, const GEOSGeometry* b);
GeomPtr difference(const GeosContext& ctx, const GEOSGeometry* a, const GEOSGeometry* b);

/// @brief Where two geometries of a set overlap (share area, not just a boundary).
struct Overlap
{
    std::size_t a;
    std::size_t b;
    GeomPtr geometry;
};

/// Every pair (i < j, in order) of @p geometries whose bounding boxes meet, found through an STR tree.
std::vector<std::pair<std::size_t, std::size_t>> pairs_with_meeting_boxes(const GeosContext& ctx,
                                                                          const std::vector<const GEOSGeometry*>& geometries);

/// The area @p a and @p b share; null when they only touch or lie apart.
GeomPtr shared_area(const GeosContext& ctx, const GEOSGeometry* a, const GEOSGeometry* b);

/// The polygons of a MultiPolygon (or Polygon) as separate geometries.
std::vector<GeomPtr> polygon_parts(const GeosContext& ctx, const GEOSGeometry* geometry);

/// Representative point (guaranteed inside) as lon/lat or x/y.
Point point_on_surface(const GeosContext& ctx, const GEOSGeometry* geometry);

/// Bounding box.
Box bounds(const GeosContext& ctx, const GEOSGeometry* geometry);

} // namespace redline
