#pragma once

#include "ellipsoid.h"
#include "geos_context.h"
#include "survey_area.h"

namespace redline {

/// @brief Measures GEOS polygons held in longitude/latitude degrees on one ellipsoid.
class AreaMeter
{
public:
    explicit AreaMeter(const Ellipsoid& ellipsoid)
      : m_ellipsoid(ellipsoid)
      , m_survey(ellipsoid)
    {
    }

    const Ellipsoid& ellipsoid() const { return m_ellipsoid; }

    /// Geodesic area (m²): see geodesic_area().
    double geodesic(const GeosContext& ctx, const GEOSGeometry* lonlat) const;

    /// The land survey's ellipsoidal-trapezoid area (m²): see SurveyTrapezoidArea.
    double survey(const GeosContext& ctx, const GEOSGeometry* lonlat) const;

private:
    Ellipsoid m_ellipsoid;
    SurveyTrapezoidArea m_survey;
};

} // namespace redline
