#pragma once

#include "ellipsoid.h"
#include "rings.h"

namespace redline {

/// @brief The land survey's ellipsoidal-trapezoid area ("椭球面梯形面积").
///
/// China's land surveys (the Second and Third National Land Surveys, TD/T 1055-2019) turn
/// Gauss-Krüger boundary points into geodetic B/L and add, edge by edge, the area of the
/// ellipsoidal trapezoid between the edge and the equator, using the series
///   S = 2b²ΔL [A sin(ΔB/2) cos Bm − B sin(3ΔB/2) cos 3Bm + C sin(5ΔB/2) cos 5Bm
///              − D sin(7ΔB/2) cos 7Bm + E sin(9ΔB/2) cos 9Bm]
/// with A..E in powers of e² up to e⁸. Edges are straight in (L, B) and taken at their mid
/// latitude, so boundaries must be densified (as Gauss-Krüger inputs are) for the figure to
/// agree with the geodesic one. Staff compare this figure against the survey's tables.
class SurveyTrapezoidArea
{
public:
    explicit SurveyTrapezoidArea(const Ellipsoid& ellipsoid);

    /// Area between the equator and latitude B (degrees) per radian of longitude, by the series.
    double area_from_equator(double lat_deg) const;

    /// Area (m²) of a polygon in longitude/latitude degrees; shells add, holes subtract.
    double area(const Rings& lonlat) const;

private:
    double m_bb;
    double m_A, m_B, m_C, m_D, m_E;
};

} // namespace redline
