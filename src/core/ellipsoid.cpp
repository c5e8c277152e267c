#include "ellipsoid.h"

#include <cmath>

namespace redline {

namespace {
constexpr double deg_to_rad = M_PI / 180.0;
}

double Ellipsoid::area_from_equator(double lat_deg) const
{
    const double s = std::sin(lat_deg * deg_to_rad);
    const double e = std::sqrt(e2());
    const double bb = b() * b();
    if (e == 0.0)
        return a * a * s;
    return 0.5 * bb * (s / (1.0 - e2() * s * s) + std::atanh(e * s) / e);
}

double Ellipsoid::quadrangle_area(double lat1_deg, double lat2_deg, double dlon_deg) const
{
    return std::abs(dlon_deg * deg_to_rad * (area_from_equator(lat2_deg) - area_from_equator(lat1_deg)));
}

} // namespace redline
