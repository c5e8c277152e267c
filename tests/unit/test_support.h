#pragma once
// Helpers shared by the unit tests: rings of lon/lat boxes densified along parallels, and an
// independent ellipsoidal area by numerical integration.
#include "ellipsoid.h"
#include "geos_context.h"
#include "rings.h"

#include <cmath>
#include <vector>

namespace redline::test {

/// The geometries of @p owned, as the functions that read a set of them take it.
inline std::vector<const GEOSGeometry*> pointers(const std::vector<GeomPtr>& owned)
{
    std::vector<const GEOSGeometry*> out;
    for (const auto& g : owned)
        out.push_back(g.get());
    return out;
}

/// A lon/lat box as a ring, with a vertex every @p step degrees so its edges follow the
/// parallels and meridians closely even when measured as geodesics.
inline std::vector<Point> box_ring(double lon0, double lat0, double lon1, double lat1, double step = 0.001,
                                   bool clockwise = false)
{
    std::vector<Point> pts;
    const int nx = std::max(1, int(std::round((lon1 - lon0) / step)));
    const int ny = std::max(1, int(std::round((lat1 - lat0) / step)));
    for (int i = 0; i < nx; ++i)
        pts.push_back({ lon0 + (lon1 - lon0) * i / nx, lat0 });
    for (int i = 0; i < ny; ++i)
        pts.push_back({ lon1, lat0 + (lat1 - lat0) * i / ny });
    for (int i = 0; i < nx; ++i)
        pts.push_back({ lon1 - (lon1 - lon0) * i / nx, lat1 });
    for (int i = 0; i < ny; ++i)
        pts.push_back({ lon0, lat1 - (lat1 - lat0) * i / ny });
    pts.push_back(pts.front());
    if (clockwise)
        return std::vector<Point>(pts.rbegin(), pts.rend());
    return pts;
}

/// Area of a lon/lat quadrangle by Simpson integration of M(φ)·N(φ)·cos φ over φ, times Δλ:
/// an independent route to the same number as the closed form.
inline double quadrangle_by_integration(const Ellipsoid& e, double lat0, double lat1, double dlon, int n = 2000)
{
    const double d2r = M_PI / 180.0;
    const double e2 = e.e2();
    auto integrand = [&](double phi) {
        const double s = std::sin(phi);
        const double w = 1.0 - e2 * s * s;
        const double m = e.a * (1 - e2) / std::pow(w, 1.5); // meridian radius of curvature
        const double nn = e.a / std::sqrt(w);               // prime vertical radius of curvature
        return m * nn * std::cos(phi);
    };
    const double a = lat0 * d2r, b = lat1 * d2r, h = (b - a) / n;
    double sum = integrand(a) + integrand(b);
    for (int i = 1; i < n; ++i)
        sum += integrand(a + i * h) * (i % 2 ? 4.0 : 2.0);
    return sum * h / 3.0 * dlon * d2r;
}

} // namespace redline::test
