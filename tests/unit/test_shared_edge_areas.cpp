#include "geodesic_area.h"
#include "shared_edge_areas.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <tuple>

using namespace redline;

namespace {

Ring ring_of(std::vector<Point> points, bool hole = false)
{
    return Ring{ std::move(points), hole };
}

/// A grid of nx × ny quadrilaterals over [lon0, lon0 + nx·step] × [lat0, lat0 + ny·step], their
/// corners jittered (shared corners jittered once, so neighbours share edges to the bit), each
/// edge cut into @p pieces: zones cut from one topology. The district is their outline.
struct Tiling
{
    std::vector<Rings> zones;
    Rings district;
};

Tiling jittered_grid(int nx, int ny, double lon0, double lat0, double step, int pieces, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> jitter(-0.3 * step, 0.3 * step);
    std::vector<Point> corner(std::size_t((nx + 1) * (ny + 1)));
    for (int j = 0; j <= ny; ++j)
        for (int i = 0; i <= nx; ++i) {
            const bool edge_x = i == 0 || i == nx, edge_y = j == 0 || j == ny;
            corner[std::size_t(j * (nx + 1) + i)] = { lon0 + i * step + (edge_x ? 0 : jitter(rng)),
                                                      lat0 + j * step + (edge_y ? 0 : jitter(rng)) };
        }
    auto at = [&](int i, int j) { return corner[std::size_t(j * (nx + 1) + i)]; };
    // The points of the side from a to b, a included, b not: the same points whichever way walked.
    auto side = [&](Point a, Point b, std::vector<Point>& out) {
        for (int k = 0; k < pieces; ++k) {
            const bool forward = std::tie(a.x, a.y) < std::tie(b.x, b.y);
            const Point p = forward ? a : b, q = forward ? b : a;
            const int kk = forward ? k : pieces - k;
            out.push_back({ p.x + (q.x - p.x) * kk / pieces, p.y + (q.y - p.y) * kk / pieces });
        }
    };
    Tiling t;
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            std::vector<Point> pts;
            side(at(i, j), at(i + 1, j), pts);
            side(at(i + 1, j), at(i + 1, j + 1), pts);
            side(at(i + 1, j + 1), at(i, j + 1), pts);
            side(at(i, j + 1), at(i, j), pts);
            pts.push_back(pts.front());
            t.zones.push_back(Rings{ { ring_of(pts) } });
        }
    std::vector<Point> outline;
    for (int i = 0; i < nx; ++i)
        side(at(i, 0), at(i + 1, 0), outline);
    for (int j = 0; j < ny; ++j)
        side(at(nx, j), at(nx, j + 1), outline);
    for (int i = nx; i > 0; --i)
        side(at(i, ny), at(i - 1, ny), outline);
    for (int j = ny; j > 0; --j)
        side(at(0, j), at(0, j - 1), outline);
    outline.push_back(outline.front());
    t.district = Rings{ { ring_of(outline) } };
    return t;
}

} // namespace

TEST(SharedEdgeAreas, ZonesAndTheirDistrictGetGeodesicAreaBitsSolvingEachEdgeOnce)
{
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const Tiling t = jittered_grid(6, 5, 108.3, 29.1, 0.07, 7, 1);
    SharedEdgeAreas shared(e);
    const std::size_t district = *shared.add(t.district);
    EXPECT_EQ(shared.area(district), geodesic_area(e, t.district)); // solved alone first, as a run does
    std::vector<std::size_t> ids;
    for (const Rings& z : t.zones)
        ids.push_back(*shared.add(z));
    double sum = 0.0;
    for (std::size_t k = 0; k < ids.size(); ++k) {
        const double a = shared.area(ids[k]);
        EXPECT_EQ(a, geodesic_area(e, t.zones[k])) << k; // the same bits as measured alone
        sum += a;
    }
    EXPECT_NEAR(sum / shared.area(district), 1.0, 1e-12);
    // Each distinct edge once: 7 pieces a side; 6 × 5 cells have 6·6 + 7·5 = 71 sides.
    EXPECT_EQ(shared.distinct_edges(), std::size_t(71 * 7));
}

TEST(SharedEdgeAreas, AnyRingMatchesGeodesicAreaToTheBit)
{
    // Random rings anywhere (both hemispheres, across the prime meridian and the antimeridian,
    // either orientation, repeated vertices, unclosed), holes, and a cap around a pole: the
    // crossing count and the reduction are geod_polygon's.
    const Ellipsoid e = Ellipsoid::wgs84();
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    SharedEdgeAreas shared(e);
    std::vector<std::pair<std::size_t, Rings>> polygons;
    for (int k = 0; k < 300; ++k) {
        const double cx = -180.0 + 360.0 * u(rng), cy = -80.0 + 160.0 * u(rng);
        const double r = k % 3 == 0 ? 5.0 * u(rng) : 0.01 * u(rng);
        const int n = 3 + int(20 * u(rng));
        std::vector<Point> pts;
        for (int i = 0; i < n; ++i) {
            const double a = (k % 2 ? 1 : -1) * 2 * M_PI * i / n;
            double x = cx + r * (0.5 + u(rng)) * std::cos(a);
            if (x > 180.0)
                x -= 360.0;
            if (x < -180.0)
                x += 360.0;
            pts.push_back({ x, cy + r * (0.5 + u(rng)) * std::sin(a) });
            if (k % 7 == 0 && i == 1)
                pts.push_back(pts.back()); // a repeated vertex
        }
        if (k % 5 != 0)
            pts.push_back(pts.front());
        Rings p{ { ring_of(pts) } };
        if (k % 4 == 0) // a hole at the centre
            p.rings.push_back(ring_of({ { cx - r / 10, cy - r / 10 }, { cx + r / 10, cy - r / 10 }, { cx, cy + r / 10 } }, true));
        polygons.emplace_back(*shared.add(p), p);
    }
    std::vector<Point> cap; // around the north pole, every longitude
    for (int i = 0; i < 36; ++i)
        cap.push_back({ -180.0 + 10.0 * i, 85.0 });
    const Rings pole{ { ring_of(cap) } };
    polygons.emplace_back(*shared.add(pole), pole);
    const Rings degenerate{ { ring_of({ { 1, 1 }, { 2, 2 } }) } };
    polygons.emplace_back(*shared.add(degenerate), degenerate);
    for (const auto& [id, rings] : polygons)
        ASSERT_EQ(shared.area(id), geodesic_area(e, rings)) << id;
    // the cap, not the rest of the earth: less than the cap bounded by the parallel (its
    // geodesic edges run poleward of 85°), ~0.97 of it
    const double cap_area = shared.area(polygons[300].first), parallel_cap = e.quadrangle_area(85.0, 90.0, 360.0);
    EXPECT_LT(cap_area, parallel_cap);
    EXPECT_GT(cap_area, 0.9 * parallel_cap);
}

TEST(SharedEdgeAreas, ThreadsSolvingAtOnceGetTheSameBits)
{
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const Tiling t = jittered_grid(8, 8, 105.0, 30.0, 0.05, 5, 3);
    SharedEdgeAreas shared(e);
    std::vector<std::size_t> ids;
    for (const Rings& z : t.zones)
        ids.push_back(*shared.add(z));
    std::vector<double> areas(ids.size());
    std::thread other([&] {
        for (std::size_t k = ids.size(); k-- > 0;)
            areas[k] = shared.area(ids[k]);
    });
    std::vector<double> mine(ids.size());
    for (std::size_t k = 0; k < ids.size(); ++k)
        mine[k] = shared.area(ids[k]);
    other.join();
    for (std::size_t k = 0; k < ids.size(); ++k) {
        EXPECT_EQ(areas[k], geodesic_area(e, t.zones[k])) << k;
        EXPECT_EQ(mine[k], areas[k]) << k;
    }
}

TEST(SharedEdgeAreas, ATableFullRefusesPolygonsAndKeepsItsOwn)
{
    // Memory stays bounded: past its capacity the table takes no more polygons (their callers
    // measure them alone), and those it holds keep their areas.
    const Ellipsoid e = Ellipsoid::cgcs2000();
    const Tiling t = jittered_grid(2, 1, 108.0, 29.0, 0.1, 25, 2); // two zones of 100 edges
    SharedEdgeAreas shared(e, 150);
    const std::optional<std::size_t> first = shared.add(t.zones[0]);
    ASSERT_TRUE(first.has_value());
    EXPECT_FALSE(shared.add(t.zones[1]).has_value()); // 100 + 100 edges > 150
    EXPECT_EQ(shared.area(*first), geodesic_area(e, t.zones[0]));
}
