#include "geodesic_area.h"
#include "survey_area.h"
#include "test_support.h"

#include <gtest/gtest.h>

using namespace redline;
using test::box_ring;

TEST(GeodesicArea, DensifiedBoxMatchesTheClosedFormQuadrangle)
{
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const Rings box{ { Ring{ box_ring(108.5, 29.0, 109.0, 29.5), false } } };
    const double expected = e.quadrangle_area(29.0, 29.5, 0.5);
    // Edges of 0.001° measured as geodesics sit within a few mm of the parallels.
    EXPECT_NEAR(geodesic_area(e, box) / expected, 1.0, 1e-8);
}

TEST(GeodesicArea, HoleIsSubtractedInEitherRingOrientation)
{
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const double expected = e.quadrangle_area(29.0, 29.5, 0.5) - e.quadrangle_area(29.1, 29.2, 0.2);
    for (bool shell_cw : { false, true })
        for (bool hole_cw : { false, true }) {
            Rings p{ { Ring{ box_ring(108.5, 29.0, 109.0, 29.5, 0.001, shell_cw), false },
                       Ring{ box_ring(108.6, 29.1, 108.8, 29.2, 0.001, hole_cw), true } } };
            EXPECT_NEAR(geodesic_area(e, p) / expected, 1.0, 1e-8) << shell_cw << hole_cw;
        }
}

TEST(GeodesicArea, MultiPolygonAddsItsParts)
{
    const Ellipsoid e = Ellipsoid::wgs84();
    Rings p{ { Ring{ box_ring(0, 0, 1, 1, 0.01), false }, Ring{ box_ring(10, 60, 11, 61, 0.01, true), false } } };
    const double expected = e.quadrangle_area(0, 1, 1) + e.quadrangle_area(60, 61, 1);
    EXPECT_NEAR(geodesic_area(e, p) / expected, 1.0, 1e-7);
}

TEST(GeodesicArea, UndensifiedEdgesAreGeodesicsNotParallels)
{
    // Four corners only: the northern edge bulges poleward, so the area is not the quadrangle's.
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const Rings corners{ { Ring{ { { 108, 29 }, { 110, 29 }, { 110, 31 }, { 108, 31 } }, false } } };
    const double quad = e.quadrangle_area(29, 31, 2);
    EXPECT_GT(std::abs(geodesic_area(e, corners) / quad - 1.0), 1e-5);
}

TEST(SurveyTrapezoidArea, SeriesMatchesTheClosedForm)
{
    // The survey's series (to e⁸) and the closed form agree to ~1e-11 of the zone area.
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const SurveyTrapezoidArea survey(e);
    for (double lat : { 10.0, 29.5, 53.0 }) {
        const double series = survey.area_from_equator(lat);
        EXPECT_NEAR(series / e.area_from_equator(lat), 1.0, 1e-11) << lat;
    }
}

TEST(SurveyTrapezoidArea, QuadrangleIsExactAndDensePolygonsMatchTheGeodesicArea)
{
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const SurveyTrapezoidArea survey(e);
    // Along parallels the edges' latitude is constant: the midpoint rule is exact.
    const Rings corners{ { Ring{ { { 108, 29 }, { 110, 29 }, { 110, 31 }, { 108, 31 } }, false } } };
    EXPECT_NEAR(survey.area(corners) / e.quadrangle_area(29, 31, 2), 1.0, 1e-11);
    // A densified, slanted polygon with a hole: survey and geodesic figures agree closely.
    Rings p{ { Ring{ {}, false }, Ring{ box_ring(108.6, 29.1, 108.8, 29.2, 0.001, true), true } } };
    for (int i = 0; i <= 1000; ++i)
        p.rings[0].points.push_back({ 108.5 + 0.5 * i / 1000.0, 29.0 + 0.1 * i / 1000.0 });
    for (int i = 0; i <= 1000; ++i)
        p.rings[0].points.push_back({ 109.0 - 0.5 * i / 1000.0, 29.6 - 0.1 * i / 1000.0 });
    p.rings[0].points.push_back(p.rings[0].points.front());
    EXPECT_NEAR(survey.area(p) / geodesic_area(e, p), 1.0, 1e-7);
}

TEST(GeodesicArea, MeasurerMadeOnceGivesTheFunctionsBits)
{
    // GeodesicAreas works out the ellipsoid's coefficients once for many polygons: the areas must
    // be geodesic_area()'s to the bit, for whole polygons and for rings given as arrays.
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const GeodesicAreas measure(e);
    const Rings p{ { Ring{ box_ring(108.5, 29.0, 109.0, 29.5, 0.01), false },
                     Ring{ box_ring(108.6, 29.1, 108.8, 29.2, 0.01, true), true } } };
    EXPECT_EQ(measure(p), geodesic_area(e, p));
    const std::vector<Point>& shell = p.rings[0].points;
    EXPECT_EQ(measure.ring(shell.data(), shell.size()), geodesic_area(e, Rings{ { Ring{ shell, false } } }));
    // A cell's four corners, unclosed, as the raster cell areas pass them.
    const Point cell[4] = { { 108.5, 29.0 }, { 108.5001, 29.0 }, { 108.5001, 29.0001 }, { 108.5, 29.0001 } };
    EXPECT_EQ(measure.ring(cell, 4),
              geodesic_area(e, Rings{ { Ring{ std::vector<Point>(cell, cell + 4), false } } }));
    EXPECT_NEAR(measure.ring(cell, 4) / e.quadrangle_area(29.0, 29.0001, 0.0001), 1.0, 1e-7);
}
