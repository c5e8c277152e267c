#pragma once

#include "area_meter.h"
#include "geos_context.h"

#include <cstddef>
#include <utility>
#include <vector>

namespace redline {

/// @brief Where the zones fail to tile the district.
struct ZonesQa
{
    double gap_m2 = 0, overlap_m2 = 0, outside_m2 = 0;
    GeomPtr gaps, overlaps, outside;
};

/// @brief Zones clipped to the district, and how well they tile it.
struct ZoneTiling
{
    std::vector<GeomPtr> clipped;        ///< each zone within the district, in input order
    std::vector<double> areas_m2;        ///< geodesic area of each clipped zone
    std::vector<double> survey_areas_m2; ///< survey area of each clipped zone (when asked for)
    ZonesQa qa;
    std::vector<std::pair<std::size_t, std::size_t>> overlapping; ///< pairs of zones sharing area
};

/// Clips each of @p zones to @p district (whose geodesic area is @p district_m2) and finds the gaps between them, their overlaps and what
/// lies outside the district, measuring each clipped zone (geodesic area; with @p survey, its
/// survey area too). All geometries are lon/lat degrees.
ZoneTiling tile_zones(const GeosContext& ctx, const AreaMeter& meter, const std::vector<const GEOSGeometry*>& zones,
                      const GEOSGeometry* district, double district_m2, bool survey);

} // namespace redline
