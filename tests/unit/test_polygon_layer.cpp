// Dissolve, clip, overlap and repair figures of a polygon layer, against closed-form areas of
// lon/lat boxes (densified so that geodesic edges follow the parallels).
#include "polygon_layer.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <array>

using namespace redline;
using test::box_ring;

namespace {

PolygonFeature box_feature(const GeosContext& ctx, std::int64_t fid, double lon0, double lat0, double lon1, double lat1)
{
    PolygonFeature f;
    f.fid = fid;
    f.id = "F" + std::to_string(fid);
    f.geometry = from_rings(ctx, Rings{ { Ring{ box_ring(lon0, lat0, lon1, lat1, 0.002), false } } });
    return f;
}

} // namespace

TEST(PolygonLayer, OverlapsCountOnceAndPartsOutsideAreClipped)
{
    const GeosContext ctx;
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const AreaMeter meter(e);
    GeomPtr district = from_rings(ctx, Rings{ { Ring{ box_ring(108.0, 29.0, 109.0, 30.0, 0.002), false } } });
    PolygonLayer layer;
    layer.features.push_back(box_feature(ctx, 1, 108.1, 29.1, 108.3, 29.3));
    layer.features.push_back(box_feature(ctx, 2, 108.2, 29.1, 108.4, 29.3)); // overlaps 1 on 0.1°×0.2°
    layer.features.push_back(box_feature(ctx, 3, 108.9, 29.5, 109.2, 29.6)); // two thirds outside
    const LayerFigures f = analyse_layer(ctx, meter, layer, district.get(), true);

    const double a1 = e.quadrangle_area(29.1, 29.3, 0.2);
    const double overlap = e.quadrangle_area(29.1, 29.3, 0.1);
    const double a3 = e.quadrangle_area(29.5, 29.6, 0.3);
    const double a3_in = e.quadrangle_area(29.5, 29.6, 0.1);
    EXPECT_NEAR(f.sum_of_parts_m2 / (2 * a1 + a3), 1.0, 1e-7);
    EXPECT_NEAR(f.dissolved_m2 / (2 * a1 - overlap + a3), 1.0, 1e-7);
    EXPECT_NEAR(f.overlap_m2 / overlap, 1.0, 1e-5);
    EXPECT_NEAR(f.inside_m2 / (2 * a1 - overlap + a3_in), 1.0, 1e-7);
    EXPECT_NEAR(f.outside_m2 / (a3 - a3_in), 1.0, 1e-6);
    EXPECT_NEAR(f.clipped_parts_m2 / (2 * a1 + a3_in), 1.0, 1e-7);
    ASSERT_EQ(f.overlaps.size(), 1u);
    EXPECT_EQ(f.overlaps[0].a, 0u);
    EXPECT_EQ(f.overlaps[0].b, 1u);
    ASSERT_TRUE(f.survey_inside_m2.has_value());
    EXPECT_NEAR(*f.survey_inside_m2 / f.inside_m2, 1.0, 1e-7);
}

TEST(PolygonLayer, BowTieIsRepairedIntoItsTwoTriangles)
{
    const GeosContext ctx;
    const AreaMeter meter(Ellipsoid::cgcs2000());
    PolygonLayer layer;
    PolygonFeature f;
    f.fid = 7;
    // (0,0) (2,2) (2,0) (0,2): two triangles meeting at (1,1), drawn as one crossing ring.
    f.geometry = from_rings(ctx, Rings{ { Ring{ { { 108, 29 }, { 108.02, 29.02 }, { 108.02, 29 }, { 108, 29.02 }, { 108, 29 } },
                                                false } } });
    layer.features.push_back(std::move(f));
    EXPECT_EQ(repair_invalid(ctx, meter, layer), 1u);
    const PolygonFeature& r = layer.features[0];
    EXPECT_TRUE(r.repaired);
    EXPECT_NE(r.invalid_reason.find("Self-intersection"), std::string::npos) << r.invalid_reason;
    // The two triangles (each a quarter of the 0.02° square, by symmetry nearly exactly) are kept.
    GeomPtr left = from_rings(ctx, Rings{ { Ring{ { { 108, 29 }, { 108.01, 29.01 }, { 108, 29.02 }, { 108, 29 } }, false } } });
    GeomPtr right =
      from_rings(ctx, Rings{ { Ring{ { { 108.02, 29 }, { 108.02, 29.02 }, { 108.01, 29.01 }, { 108.02, 29 } }, false } } });
    const double expected = meter.geodesic(ctx, left.get()) + meter.geodesic(ctx, right.get());
    EXPECT_NEAR(meter.geodesic(ctx, r.geometry.get()) / expected, 1.0, 1e-9);
    // As drawn, the two loops cancel: a naive area is about zero.
    EXPECT_LT(r.area_as_drawn_m2, 0.01 * expected);
}

TEST(PolygonLayer, AreaAttributesThatDisagreeAreExplained)
{
    const GeosContext ctx;
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const AreaMeter meter(e);
    PolygonLayer layer;
    const double true_area = e.quadrangle_area(29.1, 29.2, 0.1);
    for (int i = 0; i < 4; ++i) {
        PolygonFeature f = box_feature(ctx, i, 108.1 + 0.2 * i, 29.1, 108.2 + 0.2 * i, 29.2);
        layer.features.push_back(std::move(f));
    }
    layer.features[0].area_attribute_m2 = true_area * (1 + 2e-7); // right, to survey rounding
    layer.features[1].area_attribute_m2 = true_area / 666.6666667; // written in mu
    layer.features[2].area_attribute_m2 = true_area * 1.12;       // stale
    layer.features[3].source_planar_area = true_area * 1.00018;   // a Gauss-Krüger planar area ...
    layer.features[3].area_attribute_m2 = true_area * 1.00018;    // ... stored as the attribute
    const AreaFieldCheck check = check_area_attribute(ctx, meter, layer, 1e-4);
    EXPECT_EQ(check.compared, 4u);
    ASSERT_EQ(check.mismatches.size(), 3u);
    EXPECT_NE(check.mismatches[0].likely_cause.find("mu"), std::string::npos) << check.mismatches[0].likely_cause;
    EXPECT_NE(check.mismatches[1].likely_cause.find("+12.00 %"), std::string::npos) << check.mismatches[1].likely_cause;
    EXPECT_NE(check.mismatches[2].likely_cause.find("planar"), std::string::npos) << check.mismatches[2].likely_cause;
}

TEST(AreaMeter, MeasuringOnThreadsGivesEveryFeatureItsOwnAreaToTheBit)
{
    // Enough vertices (~60 features × ~1,000) that the measurement really splits over threads.
    const GeosContext ctx;
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const AreaMeter meter(e);
    std::vector<GeomPtr> owned;
    std::vector<const GEOSGeometry*> geoms;
    std::vector<double> closed_form;
    for (int i = 0; i < 60; ++i) {
        const double lat0 = 20.0 + 0.3 * i, dlon = 0.05 + 0.01 * (i % 7), dlat = 0.1 + 0.02 * (i % 5);
        owned.push_back(from_rings(ctx, Rings{ { Ring{ box_ring(100.0, lat0, 100.0 + dlon, lat0 + dlat, 0.0005), false } } }));
        geoms.push_back(owned.back().get());
        closed_form.push_back(e.quadrangle_area(lat0, lat0 + dlat, dlon));
    }
    const std::vector<double> one = meter.geodesic_each(ctx, geoms, 1);
    ASSERT_EQ(one.size(), geoms.size());
    for (std::size_t i = 0; i < geoms.size(); ++i) {
        EXPECT_EQ(one[i], meter.geodesic(ctx, geoms[i])) << "feature " << i;
        EXPECT_NEAR(one[i] / closed_form[i], 1.0, 1e-7) << "feature " << i;
    }
    for (int threads : { 2, 3, 7, 100 }) {
        const std::vector<double> many = meter.geodesic_each(ctx, geoms, threads);
        ASSERT_EQ(many.size(), one.size());
        for (std::size_t i = 0; i < one.size(); ++i)
            EXPECT_EQ(many[i], one[i]) << threads << " threads, feature " << i;
    }
    EXPECT_TRUE(meter.geodesic_each(ctx, {}, 4).empty());
}

// Parts measured within each of several zones at once, on several threads: the same as one zone
// at a time, and the closed-form areas of the planted boxes.
TEST(PolygonLayer, AreasWithinEachZoneMatchOneAtATimeAndClosedForms)
{
    const GeosContext ctx;
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const AreaMeter meter(e);
    auto box = [&](double lon0, double lat0, double lon1, double lat1) {
        return from_rings(ctx, Rings{ { Ring{ box_ring(lon0, lat0, lon1, lat1, 0.002), false } } });
    };
    MeasuredParts parts;
    // one part inside the west zone, one straddling both, one in neither
    for (auto b : { std::array<double, 4>{ 108.1, 29.1, 108.3, 29.3 }, std::array<double, 4>{ 108.4, 29.4, 108.6, 29.6 },
                    std::array<double, 4>{ 110.0, 29.0, 110.1, 29.1 } }) {
        GeomPtr g = box(b[0], b[1], b[2], b[3]);
        const double a = meter.geodesic(ctx, g.get());
        parts.add(std::move(g), a, ctx);
    }
    GeomPtr west = box(108.0, 29.0, 108.5, 30.0);
    GeomPtr east = box(108.5, 29.0, 109.0, 30.0);
    const std::vector<const GEOSGeometry*> zones{ west.get(), east.get() };
    for (int threads : { 1, 2, 3 }) {
        const std::vector<double> each = areas_within_each(ctx, meter, parts, zones, threads);
        ASSERT_EQ(each.size(), 2u);
        EXPECT_EQ(each[0], area_within(ctx, meter, parts, west.get())) << threads << " threads";
        EXPECT_EQ(each[1], area_within(ctx, meter, parts, east.get())) << threads << " threads";
        EXPECT_NEAR(each[0] / (e.quadrangle_area(29.1, 29.3, 0.2) + e.quadrangle_area(29.4, 29.6, 0.1)), 1.0, 1e-9);
        EXPECT_NEAR(each[1] / e.quadrangle_area(29.4, 29.6, 0.1), 1.0, 1e-9);
    }
}

// Dissolving, clipping and measuring on several threads gives the same figures to the bit, and
// the same parts in the same order.
TEST(PolygonLayer, FiguresDoNotDependOnTheThreadCount)
{
    const GeosContext ctx;
    const AreaMeter meter(Ellipsoid::cgcs2000());
    GeomPtr district = from_rings(ctx, Rings{ { Ring{ box_ring(108.0, 29.0, 109.0, 30.0, 0.002), false } } });
    PolygonLayer layer;
    std::int64_t fid = 0;
    for (int row = 0; row < 6; ++row)
        for (int col = 0; col < 7; ++col) {
            // a grid of boxes, every third overlapping its east neighbour, the last column across
            // the district's east edge
            const double lon0 = 108.02 + col * 0.15, lat0 = 29.05 + row * 0.15;
            const double width = (col % 3 == 0) ? 0.16 : 0.1;
            layer.features.push_back(box_feature(ctx, fid++, lon0, lat0, lon0 + width, lat0 + 0.1));
        }
    const LayerFigures one = analyse_layer(ctx, meter, layer, district.get(), false, 1);
    for (int threads : { 2, 3 }) {
        const LayerFigures many = analyse_layer(ctx, meter, layer, district.get(), false, threads);
        EXPECT_EQ(many.sum_of_parts_m2, one.sum_of_parts_m2);
        EXPECT_EQ(many.clipped_parts_m2, one.clipped_parts_m2);
        EXPECT_EQ(many.dissolved_m2, one.dissolved_m2);
        EXPECT_EQ(many.inside_m2, one.inside_m2);
        EXPECT_EQ(many.outside_m2, one.outside_m2);
        EXPECT_EQ(many.overlaps.size(), one.overlaps.size());
        ASSERT_EQ(many.inside_parts.parts.size(), one.inside_parts.parts.size());
        for (std::size_t i = 0; i < one.inside_parts.parts.size(); ++i) {
            EXPECT_EQ(many.inside_parts.areas[i], one.inside_parts.areas[i]);
            EXPECT_EQ(GEOSEqualsExact_r(ctx.handle(), many.inside_parts.parts[i].get(), one.inside_parts.parts[i].get(), 0.0), 1);
        }
    }
    EXPECT_GT(one.outside_m2, 0.0);
    EXPECT_GT(one.overlaps.size(), 5u);
}
