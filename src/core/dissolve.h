#pragma once

#include "area_meter.h"
#include "box.h"
#include "geos_context.h"
#include "polygon_ops.h"

#include <vector>

namespace redline {

/// @brief Disjoint polygons, each with its geodesic area, as dissolving leaves them.
///
/// Keeping the parts apart (rather than one big MultiPolygon) lets later steps measure only what
/// changes: a part wholly inside a zone keeps its area, and only parts crossing the zone's edge
/// are cut and measured again.
struct MeasuredParts
{
    std::vector<GeomPtr> parts;
    std::vector<double> areas; ///< m², one per part
    std::vector<Box> bounds;   ///< one per part

    void add(GeomPtr part, double area, const GeosContext& ctx);
    double total() const;
    /// All parts as one MultiPolygon (a copy).
    GeomPtr collect(const GeosContext& ctx) const;
};

/// @brief The union of a layer's features and the pairs that overlap.
struct Dissolved
{
    MeasuredParts parts;
    std::vector<Overlap> overlaps; ///< pairs of features sharing area (indices into the input)
};

/// Dissolves @p geometries whose geodesic areas @p areas are known. Features that meet no other
/// are kept as they are, with their area; each cluster of features that touch or overlap is
/// unioned and measured. Overlaps are the pairs whose intersection has area.
Dissolved dissolve(const GeosContext& ctx, const AreaMeter& meter, const std::vector<const GEOSGeometry*>& geometries,
                   const std::vector<double>& areas);

/// Splits @p parts into their pieces inside and outside @p polygon; parts wholly on one side move
/// over with their measured area. @p outside may be null.
void split_by(const GeosContext& ctx, const AreaMeter& meter, MeasuredParts parts, const GEOSGeometry* polygon,
              MeasuredParts& inside, MeasuredParts* outside);

/// Area of @p parts within @p polygon (m²).
double area_within(const GeosContext& ctx, const AreaMeter& meter, const MeasuredParts& parts,
                   const GEOSGeometry* polygon);

/// The area of @p parts within each of @p polygons (m²), on up to @p threads threads, the same to
/// the bit whatever their number (area_within() is this for one polygon). Each part is read by one thread only; each
/// thread has its own copies of the polygons.
std::vector<double> areas_within_each(const GeosContext& ctx, const AreaMeter& meter, const MeasuredParts& parts,
                                      const std::vector<const GEOSGeometry*>& polygons, int threads);

/// The same for polygons @p parts whose areas (m²) and bounds are known.
std::vector<double> areas_within_each(const GeosContext& ctx, const AreaMeter& meter,
                                      const std::vector<const GEOSGeometry*>& parts, const std::vector<double>& areas,
                                      const std::vector<Box>& part_bounds,
                                      const std::vector<const GEOSGeometry*>& polygons, int threads);

/// Area within @p polygon (m²) of polygons @p parts whose areas (m²) and bounds are known.
double area_within(const GeosContext& ctx, const AreaMeter& meter, const std::vector<const GEOSGeometry*>& parts,
                   const std::vector<double>& areas, const std::vector<Box>& boxes, const GEOSGeometry* polygon);

} // namespace redline
