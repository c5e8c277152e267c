#include "geodesic_densify.h"

#include <geodesic.h>
#include <ogr_geometry.h>

#include <cmath>
#include <vector>

namespace redline {

namespace {

void densify_ring(OGRLinearRing& ring, const geod_geodesic& g, double max_segment_m)
{
    const int n = ring.getNumPoints();
    if (n < 2)
        return;
    std::vector<double> xs, ys;
    xs.reserve(std::size_t(n));
    ys.reserve(std::size_t(n));
    bool changed = false;
    for (int i = 0; i < n; ++i) {
        const double lon1 = ring.getX(i), lat1 = ring.getY(i);
        xs.push_back(lon1);
        ys.push_back(lat1);
        if (i + 1 == n)
            break;
        const double lon2 = ring.getX(i + 1), lat2 = ring.getY(i + 1);
        double s12 = 0, azi1 = 0, azi2 = 0;
        geod_inverse(&g, lat1, lon1, lat2, lon2, &s12, &azi1, &azi2);
        if (!(s12 > max_segment_m))
            continue;
        const int pieces = int(std::ceil(s12 / max_segment_m));
        geod_geodesicline line;
        geod_inverseline(&line, &g, lat1, lon1, lat2, lon2, 0);
        for (int k = 1; k < pieces; ++k) {
            double lat = 0, lon = 0;
            geod_position(&line, s12 * k / pieces, &lat, &lon, nullptr);
            // geod_position wraps longitudes to [-180, 180]; keep the edge's own branch.
            while (lon - lon1 > 180)
                lon -= 360;
            while (lon - lon1 < -180)
                lon += 360;
            xs.push_back(lon);
            ys.push_back(lat);
        }
        changed = true;
    }
    if (changed)
        ring.setPoints(int(xs.size()), xs.data(), ys.data());
}

void densify_polygon(OGRPolygon& polygon, const geod_geodesic& g, double max_segment_m)
{
    for (OGRLinearRing* ring : polygon)
        densify_ring(*ring, g, max_segment_m);
}

} // namespace

void densify_geodesic(OGRGeometry& lonlat, const Ellipsoid& ellipsoid, double max_segment_m)
{
    geod_geodesic g;
    geod_init(&g, ellipsoid.a, ellipsoid.f);
    const OGRwkbGeometryType t = wkbFlatten(lonlat.getGeometryType());
    if (t == wkbPolygon)
        densify_polygon(*lonlat.toPolygon(), g, max_segment_m);
    else if (t == wkbMultiPolygon)
        for (OGRPolygon* p : *lonlat.toMultiPolygon())
            densify_polygon(*p, g, max_segment_m);
}

} // namespace redline
