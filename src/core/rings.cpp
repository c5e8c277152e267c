#include "rings.h"

#include <cmath>

namespace redline {

double ring_twice_signed_area(const std::vector<Point>& points)
{
    const std::size_t n = points.size();
    if (n < 3)
        return 0.0;
    // Coordinates are taken relative to the first point, which keeps the products small for
    // projected coordinates in the millions of metres.
    const double x0 = points[0].x;
    const double y0 = points[0].y;
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const Point& a = points[i];
        const Point& b = points[(i + 1) % n];
        sum += (a.x - x0) * (b.y - y0) - (b.x - x0) * (a.y - y0);
    }
    return sum;
}

double planar_area(const Rings& rings)
{
    double area = 0.0;
    for (const auto& ring : rings.rings) {
        const double a = std::abs(ring_twice_signed_area(ring.points)) / 2.0;
        area += ring.hole ? -a : a;
    }
    return area;
}

} // namespace redline
