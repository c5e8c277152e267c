#include "geodesic_area.h"

#include <cmath>
#include <vector>

namespace redline {

namespace {

/// Area and perimeter of one ring; the closing point, if repeated, is dropped.
void ring_area(const geod_geodesic& g, const Point* pts, std::size_t n, double& area, double& perimeter)
{
    if (n > 1 && pts[0].x == pts[n - 1].x && pts[0].y == pts[n - 1].y)
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

double polygon_area(const geod_geodesic& g, const Rings& lonlat)
{
    double total = 0.0;
    for (const auto& ring : lonlat.rings) {
        double area, perimeter;
        ring_area(g, ring.points.data(), ring.points.size(), area, perimeter);
        total += ring.hole ? -area : area;
    }
    return total;
}

} // namespace

double geodesic_area(const Ellipsoid& ellipsoid, const Rings& lonlat)
{
    return GeodesicAreas(ellipsoid)(lonlat);
}

GeodesicAreas::GeodesicAreas(const Ellipsoid& ellipsoid)
{
    geod_init(&m_geodesic, ellipsoid.a, ellipsoid.f);
}

double GeodesicAreas::operator()(const Rings& lonlat) const
{
    return polygon_area(m_geodesic, lonlat);
}

double GeodesicAreas::ring(const Point* points, std::size_t n) const
{
    double area, perimeter;
    ring_area(m_geodesic, points, n, area, perimeter);
    return area;
}

double geodesic_perimeter(const Ellipsoid& ellipsoid, const Rings& lonlat)
{
    geod_geodesic g;
    geod_init(&g, ellipsoid.a, ellipsoid.f);
    double total = 0.0;
    for (const auto& ring : lonlat.rings) {
        double area, perimeter;
        ring_area(g, ring.points.data(), ring.points.size(), area, perimeter);
        total += perimeter;
    }
    return total;
}

} // namespace redline
