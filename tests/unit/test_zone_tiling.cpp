// How zones tile a district: gaps, overlaps and parts outside, planted as lon/lat boxes whose
// ellipsoidal areas have a closed form.
#include "test_support.h"
#include "zone_tiling.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

using namespace redline;
using test::box_ring;

namespace {

const double step = 0.002; // vertices every 0.002°: shared edges of neighbouring boxes coincide

GeomPtr box(const GeosContext& ctx, double lon0, double lat0, double lon1, double lat1)
{
    return from_rings(ctx, Rings{ { Ring{ box_ring(lon0, lat0, lon1, lat1, step), false } } });
}

ZoneTiling tile(const GeosContext& ctx, const std::vector<GeomPtr>& zones, const GEOSGeometry* district)
{
    const AreaMeter meter(Ellipsoid::cgcs2000());
    return tile_zones(ctx, meter, test::pointers(zones), district, meter.geodesic(ctx, district), false);
}

/// @p n strips 0.1° wide from 108° E over 29-30° N, strip k's west and east sides moved by
/// @p west(k) and @p east(k) degrees.
template<typename West, typename East>
std::vector<GeomPtr> strips(const GeosContext& ctx, int n, West west, East east)
{
    std::vector<GeomPtr> out;
    for (int k = 0; k < n; ++k)
        out.push_back(box(ctx, 108.0 + 0.1 * k + west(k), 29.0, 108.1 + 0.1 * k + east(k), 30.0));
    return out;
}

/// The district 108-109° E × 29-30° N, a west zone 108-108.5° E and an east zone planted by the
/// test at @p east0 to @p east1 ° E, all over its 29-30° N.
ZoneTiling west_and_east(const GeosContext& ctx, double east0, double east1)
{
    GeomPtr district = box(ctx, 108.0, 29.0, 109.0, 30.0);
    std::vector<GeomPtr> zones;
    zones.push_back(box(ctx, 108.0, 29.0, 108.5, 30.0));
    zones.push_back(box(ctx, east0, 29.0, east1, 30.0));
    return tile(ctx, zones, district.get());
}

} // namespace

TEST(ZoneTiling, QuartersTileTheDistrictWithNothingLeftOver)
{
    const GeosContext ctx;
    const Ellipsoid e = Ellipsoid::cgcs2000();
    GeomPtr district = box(ctx, 108.0, 29.0, 109.0, 30.0);
    std::vector<GeomPtr> zones;
    zones.push_back(box(ctx, 108.0, 29.0, 108.5, 29.5));
    zones.push_back(box(ctx, 108.5, 29.0, 109.0, 29.5));
    zones.push_back(box(ctx, 108.0, 29.5, 108.5, 30.0));
    zones.push_back(box(ctx, 108.5, 29.5, 109.0, 30.0));
    const ZoneTiling t = tile(ctx, zones, district.get());

    ASSERT_EQ(t.areas_m2.size(), 4u);
    EXPECT_NEAR(t.areas_m2[0] / e.quadrangle_area(29.0, 29.5, 0.5), 1.0, 1e-9);
    EXPECT_NEAR(t.areas_m2[3] / e.quadrangle_area(29.5, 30.0, 0.5), 1.0, 1e-9);
    EXPECT_EQ(t.qa.gap_m2, 0.0);
    EXPECT_EQ(t.qa.overlap_m2, 0.0);
    EXPECT_EQ(t.qa.outside_m2, 0.0);
    EXPECT_TRUE(GEOSisEmpty_r(ctx.handle(), t.qa.gaps.get()));
    EXPECT_TRUE(GEOSisEmpty_r(ctx.handle(), t.qa.outside.get()));
    EXPECT_TRUE(t.overlapping.empty());
}

// The trap for any check by areas alone: a zone shifted sideways overlaps one neighbour and leaves
// a gap of the same area on its other side, so the zones' areas still add up to the district's.
TEST(ZoneTiling, AShiftedZoneLeavesAGapAndAnOverlapOfEqualArea)
{
    const GeosContext ctx;
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const ZoneTiling t = west_and_east(ctx, 108.49, 108.99); // 0.01° too far west

    const double strip = e.quadrangle_area(29.0, 30.0, 0.01);
    EXPECT_NEAR(t.areas_m2[0] + t.areas_m2[1], e.quadrangle_area(29.0, 30.0, 1.0), 1e-9 * strip * 100);
    EXPECT_NEAR(t.qa.gap_m2 / strip, 1.0, 1e-6);
    EXPECT_NEAR(t.qa.overlap_m2 / strip, 1.0, 1e-6);
    EXPECT_EQ(t.qa.outside_m2, 0.0);
    ASSERT_EQ(t.overlapping.size(), 1u);
    EXPECT_EQ(t.overlapping[0], std::make_pair(std::size_t(0), std::size_t(1)));
    // The gap is where it was planted: the strip along the district's east edge.
    GeomPtr planted = box(ctx, 108.99, 29.0, 109.0, 30.0);
    GeomPtr missed = take(ctx, GEOSSymDifference_r(ctx.handle(), t.qa.gaps.get(), planted.get()), "symdiff");
    EXPECT_LT(AreaMeter(e).geodesic(ctx, missed.get()), 1e-6 * strip);
}

TEST(ZoneTiling, AZoneReachingOutsideIsClippedAndTheRestReported)
{
    const GeosContext ctx;
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const ZoneTiling t = west_and_east(ctx, 108.5, 109.2);

    EXPECT_NEAR(t.areas_m2[1] / e.quadrangle_area(29.0, 30.0, 0.5), 1.0, 1e-9);
    EXPECT_NEAR(t.qa.outside_m2 / e.quadrangle_area(29.0, 30.0, 0.2), 1.0, 1e-9);
    EXPECT_EQ(t.qa.gap_m2, 0.0);
    EXPECT_TRUE(t.overlapping.empty());
}

// A sliver a few centimetres wide between two zones is still found: the short cut taken for
// zones that tile the district tolerates only 1e-10 of its area, far below such slivers.
TEST(ZoneTiling, ASliverBetweenZonesIsFound)
{
    const GeosContext ctx;
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const ZoneTiling t = west_and_east(ctx, 108.5000005, 109.0); // 0.0000005° ≈ 5 cm

    const double sliver = e.quadrangle_area(29.0, 30.0, 0.0000005);
    EXPECT_NEAR(t.qa.gap_m2 / sliver, 1.0, 1e-3);
    EXPECT_FALSE(GEOSisEmpty_r(ctx.handle(), t.qa.gaps.get()));
}

// Jobs shared by two threads, each taking whichever comes next, give the tiling of one thread
// doing them all, to the bit, for zones that tile and zones that overlap and leave gaps.
TEST(ZoneTiling, TwoWorkersOnTwoThreadsGiveTheSameTiling)
{
    const GeosContext ctx;
    const AreaMeter meter(Ellipsoid::cgcs2000());
    GeomPtr district = box(ctx, 108.0, 29.0, 109.0, 30.0);
    // ten strips, the seventh shifted west into the sixth
    const std::vector<GeomPtr> zones = strips(ctx, 10, [](int k) { return k == 6 ? -0.02 : 0.0; }, [](int) { return 0.0; });
    const std::vector<const GEOSGeometry*> z = test::pointers(zones);
    const double district_m2 = meter.geodesic(ctx, district.get());
    const ZoneTiling one = tile_zones(ctx, meter, z, district.get(), district_m2, true);

    ZoneTilingJobs jobs(ctx, meter, z, district.get(), district_m2, true, 2);
    std::thread helper([&] { jobs.work(1); });
    jobs.work(0);
    helper.join();
    const ZoneTiling two = jobs.finish(ctx);

    EXPECT_EQ(two.areas_m2, one.areas_m2);
    EXPECT_EQ(two.survey_areas_m2, one.survey_areas_m2);
    EXPECT_EQ(two.overlapping, one.overlapping);
    ASSERT_EQ(one.overlapping.size(), 1u);
    EXPECT_EQ(one.overlapping[0], std::make_pair(std::size_t(5), std::size_t(6)));
    EXPECT_EQ(two.qa.overlap_m2, one.qa.overlap_m2);
    EXPECT_EQ(two.qa.gap_m2, one.qa.gap_m2);
    EXPECT_GT(one.qa.gap_m2, 0.0);
}

// Zones that tile the district but whose shared edge carries different vertices on its two sides
// (so their edges do not match, see matched_edges.h) are found to tile it by the geometric tests.
TEST(ZoneTiling, ZonesWhoseSharedEdgeDiffersInVerticesStillTile)
{
    const GeosContext ctx;
    const Ellipsoid e = Ellipsoid::cgcs2000();
    GeomPtr district = box(ctx, 108.0, 29.0, 109.0, 30.0);
    std::vector<GeomPtr> zones;
    zones.push_back(box(ctx, 108.0, 29.0, 108.5, 30.0));
    // the east zone's west edge, 108.5° E, has its end points only (a meridian: no vertex needed)
    std::vector<Point> east = box_ring(108.5, 29.0, 109.0, 30.0, step);
    east.erase(std::remove_if(east.begin(), east.end(),
                              [](const Point& p) { return p.x == 108.5 && p.y != 29.0 && p.y != 30.0; }),
               east.end());
    zones.push_back(from_rings(ctx, Rings{ { Ring{ east, false } } }));
    const ZoneTiling t = tile(ctx, zones, district.get());

    EXPECT_NEAR(t.areas_m2[1] / e.quadrangle_area(29.0, 30.0, 0.5), 1.0, 1e-9);
    EXPECT_EQ(t.qa.overlap_m2, 0.0);
    EXPECT_EQ(t.qa.outside_m2, 0.0);
    EXPECT_LT(t.qa.gap_m2, 1e-6 * e.quadrangle_area(29.0, 30.0, 1.0));
    EXPECT_TRUE(t.overlapping.empty());
}

// Measured through a table of shared edges (as a coverage run measures the district and then its
// zones), the zones get the areas they get alone, to the bit, on one thread or two; a zone that
// is clipped (it reaches outside) is measured alone. (That each shared edge is solved once is
// test_shared_edge_areas's to show.)
TEST(ZoneTiling, ZonesMeasuredThroughSharedEdgesGetTheirOwnAreasBits)
{
    const GeosContext ctx;
    const AreaMeter meter(Ellipsoid::cgcs2000());
    GeomPtr district = box(ctx, 108.0, 29.0, 109.0, 30.0);
    // nine strips, the last reaching east of the district
    const std::vector<GeomPtr> zones = strips(ctx, 9, [](int) { return 0.0; }, [](int k) { return k == 8 ? 0.15 : 0.0; });
    const std::vector<const GEOSGeometry*> z = test::pointers(zones);
    const double district_m2 = meter.geodesic(ctx, district.get());
    const ZoneTiling alone = tile_zones(ctx, meter, z, district.get(), district_m2, false);
    // The table's capacity: room for all, or for the district and some of the zones only (the
    // rest are measured alone).
    for (int workers : { 1, 2 })
      for (std::size_t capacity : { std::size_t(1) << 18, std::size_t(4000) }) {
        SharedEdgeAreas shared(Ellipsoid::cgcs2000(), capacity);
        EXPECT_EQ(shared.area(*shared.add(to_rings(ctx, district.get()))), district_m2);
        const std::size_t district_edges = shared.distinct_edges();
        ZoneTilingJobs jobs(ctx, meter, z, district.get(), district_m2, false, workers, &shared);
        std::thread helper([&] {
            if (workers == 2)
                jobs.work(1);
        });
        jobs.work(0);
        helper.join();
        const ZoneTiling through = jobs.finish(ctx);
        EXPECT_EQ(through.areas_m2, alone.areas_m2) << workers << " " << capacity;
        EXPECT_GT(shared.distinct_edges(), district_edges); // the zones were added to it
        EXPECT_GT(alone.qa.outside_m2, 0.0);
      }
}
