#pragma once

#include <string>

namespace redline {

/// @brief A reference ellipsoid (semi-major axis and flattening), e.g. CGCS2000 or WGS 84.
struct Ellipsoid
{
    std::string name;
    double a = 6378137.0;
    double f = 1.0 / 298.257222101; // CGCS2000 (GRS 80 differs only in the 11th digit of 1/f)

    double b() const { return a * (1.0 - f); }
    double e2() const { return f * (2.0 - f); }

    static Ellipsoid cgcs2000() { return Ellipsoid{ "CGCS2000", 6378137.0, 1.0 / 298.257222101 }; }
    static Ellipsoid wgs84() { return Ellipsoid{ "WGS 84", 6378137.0, 1.0 / 298.257223563 }; }

    /// Area between the equator and latitude @p lat_deg per radian of longitude (m²/rad), in
    /// closed form: (b²/2)·[sin φ/(1 − e² sin² φ) + atanh(e sin φ)/e]. Negative south of the equator.
    double area_from_equator(double lat_deg) const;

    /// Closed-form ellipsoidal area (m²) of the quadrangle bounded by two parallels and two
    /// meridians @p dlon_deg apart: the exact area of a geographic raster cell.
    double quadrangle_area(double lat1_deg, double lat2_deg, double dlon_deg) const;
};

} // namespace redline
