#include "area_meter.h"

#include "geodesic_area.h"

namespace redline {

double AreaMeter::geodesic(const GeosContext& ctx, const GEOSGeometry* lonlat) const
{
    return geodesic_area(m_ellipsoid, to_rings(ctx, lonlat));
}

double AreaMeter::survey(const GeosContext& ctx, const GEOSGeometry* lonlat) const
{
    return m_survey.area(to_rings(ctx, lonlat));
}

} // namespace redline
