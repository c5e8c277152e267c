#include "ellipsoid.h"
#include "test_support.h"

#include <gtest/gtest.h>

using namespace redline;

TEST(Ellipsoid, OneDegreeCellMatchesNumericalIntegration)
{
    const Ellipsoid e = Ellipsoid::cgcs2000();
    for (double lat : { 0.0, 29.0, 45.0, 70.0 }) {
        const double closed = e.quadrangle_area(lat, lat + 1, 1.0);
        const double integrated = test::quadrangle_by_integration(e, lat, lat + 1, 1.0);
        EXPECT_NEAR(closed / integrated, 1.0, 1e-12) << "lat " << lat;
    }
}

TEST(Ellipsoid, SphereReducesToRSquaredSinDifference)
{
    const Ellipsoid sphere{ "sphere", 6371000.0, 0.0 };
    const double expected = 6371000.0 * 6371000.0 * (std::sin(30 * M_PI / 180) - std::sin(29 * M_PI / 180)) * M_PI / 180;
    EXPECT_NEAR(sphere.quadrangle_area(29, 30, 1) / expected, 1.0, 1e-14);
}

TEST(Ellipsoid, WholeEllipsoidHasThePublishedSurfaceArea)
{
    // WGS 84 surface area: 510,065,621.724 km² (NIMA TR8350.2 gives 5.10065621724e14 m²).
    const Ellipsoid e = Ellipsoid::wgs84();
    const double total = 2 * e.quadrangle_area(0, 90, 360);
    EXPECT_NEAR(total / 5.10065621724e14, 1.0, 1e-11);
}

TEST(Ellipsoid, TinyCellsKeepTheirPrecision)
{
    // A 10 m cell (0.0001°) near 29° N: closed form vs integration, despite the subtraction.
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const double closed = e.quadrangle_area(29.0, 29.0001, 0.0001);
    const double integrated = test::quadrangle_by_integration(e, 29.0, 29.0001, 0.0001, 10);
    EXPECT_NEAR(closed / integrated, 1.0, 1e-9);
}
