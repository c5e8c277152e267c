#pragma once

#include "ellipsoid.h"
#include "rings.h"

#include <geodesic.h>

#include <cstddef>

namespace redline {

/// @brief Ellipsoidal area of a polygon whose rings are in longitude/latitude degrees.
///
/// Each ring is measured with PROJ's geod_polygonarea (Karney 2013, the algorithm of
/// GeographicLib), its edges taken as geodesics; shells add and holes subtract, whatever
/// their orientation. Projected layers must be densified before their coordinates are turned
/// into longitude/latitude so that their straight edges are followed.
double geodesic_area(const Ellipsoid& ellipsoid, const Rings& lonlat);

/// @brief geodesic_area() on one ellipsoid, many times over: the ellipsoid's series
/// coefficients (geod_init) are worked out once, not for every polygon, and a ring can be
/// measured from a plain array of points. Gives geodesic_area()'s values to the bit.
class GeodesicAreas
{
public:
    explicit GeodesicAreas(const Ellipsoid& ellipsoid);
    /// The area of the polygon @p lonlat (m²), as geodesic_area().
    double operator()(const Rings& lonlat) const;
    /// The area of one ring of @p n points (longitude, latitude in degrees; the first point may
    /// be repeated last), as geodesic_area() of a polygon of that ring alone.
    double ring(const Point* points, std::size_t n) const;

private:
    geod_geodesic m_geodesic;
};

/// Geodesic perimeter (m) of all rings.
double geodesic_perimeter(const Ellipsoid& ellipsoid, const Rings& lonlat);

} // namespace redline
