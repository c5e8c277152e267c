#include "survey_area.h"

#include <cmath>

namespace redline {

namespace {
constexpr double deg_to_rad = M_PI / 180.0;
}

SurveyTrapezoidArea::SurveyTrapezoidArea(const Ellipsoid& ellipsoid)
{
    const double e2 = ellipsoid.e2();
    const double e4 = e2 * e2, e6 = e4 * e2, e8 = e6 * e2;
    m_bb = ellipsoid.b() * ellipsoid.b();
    // Coefficients as printed in the survey's technical rules.
    m_A = 1.0 + (3.0 / 6.0) * e2 + (30.0 / 80.0) * e4 + (35.0 / 112.0) * e6 + (630.0 / 2304.0) * e8;
    m_B = (1.0 / 6.0) * e2 + (15.0 / 80.0) * e4 + (21.0 / 112.0) * e6 + (420.0 / 2304.0) * e8;
    m_C = (3.0 / 80.0) * e4 + (7.0 / 112.0) * e6 + (180.0 / 2304.0) * e8;
    m_D = (1.0 / 112.0) * e6 + (45.0 / 2304.0) * e8;
    m_E = (5.0 / 2304.0) * e8;
}

double SurveyTrapezoidArea::area_from_equator(double lat_deg) const
{
    // The trapezoid formula with B1 = 0, B2 = B: 2 sin(kB/2) cos(kB/2) = sin kB.
    const double b = lat_deg * deg_to_rad;
    return m_bb * (m_A * std::sin(b) - m_B * std::sin(3 * b) + m_C * std::sin(5 * b) - m_D * std::sin(7 * b) +
                   m_E * std::sin(9 * b));
}

double SurveyTrapezoidArea::area(const Rings& lonlat) const
{
    double total = 0.0;
    for (const auto& ring : lonlat.rings) {
        const auto& p = ring.points;
        const std::size_t n = p.size();
        if (n < 3)
            continue;
        // ΔL sums to zero round a closed ring, so any constant may be taken off F; taking off
        // F(B0) keeps the terms small and the sum free of cancellation.
        const double f0 = area_from_equator(p[0].y);
        double sum = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const Point& a = p[i];
            const Point& b = p[(i + 1) % n];
            const double dl = (b.x - a.x) * deg_to_rad;
            if (dl != 0.0)
                sum += dl * (area_from_equator(0.5 * (a.y + b.y)) - f0);
        }
        const double a = std::abs(sum);
        total += ring.hole ? -a : a;
    }
    return total;
}

} // namespace redline
