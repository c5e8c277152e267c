#include "geodesic_area.h"

#include <geodesic.h>

#include <cmath>
#include <vector>

namespace redline {

namespace {

/// Area and perimeter of one ring; the closing point, if repeated, is dropped.
void ring_area(const geod_geodesic& g, const std::vector<Point>& pts, double& area, double& perimeter)
{
    std::size_t n = pts.size();
    if (n > 1 && pts.front().x == pts.back().x && pts.front().y == pts.back().y)
        --n;
    area = perimeter = 0.0;
    if (n < 3)
        return;
    geod_polygon poly;
    geod_polygon_init(&poly, 0);
    for (std::size_t i = 0; i < n; ++i)
        geod_polygon_addpoint(&g, &poly, pts[i].y, pts[i].x);
    // reverse = 0, sign = 1: a clockwise ring gives a negative area rather than the area of the
    // rest of the earth; its magnitude is what we want either way.
    geod_polygon_compute(&g, &poly, 0, 1, &area, &perimeter);
    area = std::abs(area);
}

} // namespace

double geodesic_area(const Ellipsoid& ellipsoid, const Rings& lonlat)
{
    geod_geodesic g;
    geod_init(&g, ellipsoid.a, ellipsoid.f);
    double total = 0.0;
    for (const auto& ring : lonlat.rings) {
        double area, perimeter;
        ring_area(g, ring.points, area, perimeter);
        total += ring.hole ? -area : area;
    }
    return total;
}

double geodesic_perimeter(const Ellipsoid& ellipsoid, const Rings& lonlat)
{
    geod_geodesic g;
    geod_init(&g, ellipsoid.a, ellipsoid.f);
    double total = 0.0;
    for (const auto& ring : lonlat.rings) {
        double area, perimeter;
        ring_area(g, ring.points, area, perimeter);
        total += perimeter;
    }
    return total;
}

} // namespace redline
