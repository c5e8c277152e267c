#pragma once

#include "ellipsoid.h"
#include "geodesic_area.h"
#include "geos_context.h"
#include "survey_area.h"

#include <vector>

namespace redline {

/// @brief Measures GEOS polygons held in longitude/latitude degrees on one ellipsoid.
class AreaMeter
{
public:
    explicit AreaMeter(const Ellipsoid& ellipsoid)
      : m_ellipsoid(ellipsoid)
      , m_geodesic(ellipsoid)
      , m_survey(ellipsoid)
    {
    }

    const Ellipsoid& ellipsoid() const { return m_ellipsoid; }

    /// Geodesic area (m²): see geodesic_area().
    double geodesic(const GeosContext& ctx, const GEOSGeometry* lonlat) const;

    /// The geodesic area of each of @p lonlat (m²), on up to @p threads threads; each geometry is
    /// read by one thread only, with a GEOS context of its own. Each area is computed the same
    /// way whatever the thread count, so the results are identical to geodesic() one by one.
    std::vector<double> geodesic_each(const GeosContext& ctx, const std::vector<const GEOSGeometry*>& lonlat,
                                      int threads) const;

    /// The land survey's ellipsoidal-trapezoid area (m²): see SurveyTrapezoidArea.
    double survey(const GeosContext& ctx, const GEOSGeometry* lonlat) const;

private:
    Ellipsoid m_ellipsoid;
    GeodesicAreas m_geodesic;
    SurveyTrapezoidArea m_survey;
};

} // namespace redline
