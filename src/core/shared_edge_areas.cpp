#include "shared_edge_areas.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <tuple>

namespace redline {

namespace {

// The arithmetic of geod_polygon (PROJ 9.1, GeographicLib 2.0), which geodesic_area() uses, so
// that a ring summed here from its edges' S12 gets the same bits as there.

/// u + v rounded, and in @p t what the rounding lost (u + v = s + t exactly).
double two_sum(double u, double v, double& t)
{
    const double s = u + v;
    double up = s - v;
    double vpp = s - up;
    up -= u;
    vpp -= v;
    t = s != 0 ? 0 - (up + vpp) : s;
    return s;
}

/// An error-free running sum: the value s[0] and the rounding error kept beside it s[1].
struct Accumulator
{
    double s[2] = { 0.0, 0.0 };

    void add(double y)
    {
        double u;
        const double z = two_sum(y, s[1], u);
        s[0] = two_sum(z, s[0], s[1]);
        if (s[0] == 0)
            s[0] = u;
        else
            s[1] = s[1] + u;
    }
};

double normalized_degrees(double x)
{
    const double y = std::remainder(x, 360.0);
    return std::fabs(y) == 180.0 ? std::copysign(180.0, x) : y;
}

/// y − x reduced to [−180, 180], as geodesic.c's AngDiff.
double longitude_difference(double x, double y)
{
    double t;
    double d = two_sum(std::remainder(-x, 360.0), std::remainder(y, 360.0), t);
    d = two_sum(std::remainder(d, 360.0), t, t);
    if (d == 0 || std::fabs(d) == 180.0)
        d = std::copysign(d, t == 0 ? y - x : -t);
    return d;
}

/// +1 when the edge from longitude @p lon1 to @p lon2 crosses the prime meridian eastward, −1
/// westward, else 0 (geodesic.c's transit).
int prime_meridian_crossing(double lon1, double lon2)
{
    const double lon12 = longitude_difference(lon1, lon2);
    lon1 = normalized_degrees(lon1);
    lon2 = normalized_degrees(lon2);
    return lon12 > 0 && ((lon1 < 0 && lon2 >= 0) || (lon1 > 0 && lon2 == 0)) ? 1
                                                                             : (lon12 < 0 && lon1 >= 0 && lon2 < 0 ? -1 : 0);
}

/// The signed area of a ring from its accumulated edge areas, as geod_polygon_compute with
/// reverse = false, sign = true (areareduceA): reduced modulo the ellipsoid's area @p area0,
/// half of it added back for an odd number of prime-meridian crossings, in (−area0/2, area0/2].
double reduced_ring_area(Accumulator area, double area0, int crossings)
{
    area.s[0] = std::remainder(area.s[0], area0);
    area.add(0.0);
    if (crossings & 1)
        area.add((area.s[0] < 0 ? 1 : -1) * area0 / 2);
    area.s[0] = -area.s[0];
    area.s[1] = -area.s[1];
    if (area.s[0] > area0 / 2)
        area.add(-area0);
    else if (area.s[0] <= -area0 / 2)
        area.add(+area0);
    return 0 + area.s[0];
}

std::uint64_t bits_of(double v)
{
    std::uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}

} // namespace

SharedEdgeAreas::SharedEdgeAreas(const Ellipsoid& ellipsoid, std::size_t max_edges)
  : m_max_edges(max_edges)
  , m_table(1024, 0)
{
    geod_init(&m_geodesic, ellipsoid.a, ellipsoid.f);
}

std::uint32_t SharedEdgeAreas::edge_of(const Key& key)
{
    auto slot_for = [this](const Key& k) {
        std::uint64_t h = bits_of(k.lon0) * 0x9E3779B97F4A7C15ull;
        h = (h ^ bits_of(k.lat0)) * 0xC2B2AE3D27D4EB4Full;
        h = (h ^ bits_of(k.lon1)) * 0x165667B19E3779F9ull;
        h = (h ^ bits_of(k.lat1)) * 0x9E3779B97F4A7C15ull;
        return std::size_t(h ^ (h >> 29)) & (m_table.size() - 1);
    };
    if (2 * (m_keys.size() + 1) > m_table.size()) { // at most half full: short probes
        std::vector<std::uint32_t> grown(2 * m_table.size(), 0);
        m_table.swap(grown);
        for (std::uint32_t e = 0; e < m_keys.size(); ++e) {
            std::size_t i = slot_for(m_keys[e]);
            while (m_table[i] != 0)
                i = (i + 1) & (m_table.size() - 1);
            m_table[i] = e + 1;
        }
    }
    std::size_t i = slot_for(key);
    for (; m_table[i] != 0; i = (i + 1) & (m_table.size() - 1))
        if (m_keys[m_table[i] - 1] == key)
            return m_table[i] - 1;
    const auto edge = std::uint32_t(m_keys.size());
    m_keys.push_back(key);
    m_solved.emplace_back(std::numeric_limits<double>::quiet_NaN());
    m_table[i] = edge + 1;
    return edge;
}

std::optional<std::size_t> SharedEdgeAreas::add(const Rings& lonlat)
{
    std::size_t edges = 0;
    for (const auto& ring : lonlat.rings)
        edges += ring.points.size();
    if (m_steps.size() + edges > m_max_edges)
        return std::nullopt;
    Polygon polygon{ m_rings.size(), 0 };
    for (const auto& ring : lonlat.rings) {
        const std::vector<Point>& pts = ring.points;
        std::size_t n = pts.size();
        if (n > 1 && pts[0].x == pts[n - 1].x && pts[0].y == pts[n - 1].y)
            --n; // the closing point, if repeated, is dropped (as geodesic_area() does)
        Ring r{ m_steps.size(), 0, ring.hole };
        if (n >= 3)
            for (std::size_t i = 0; i < n; ++i) {
                const Point& a = pts[i];
                const Point& b = pts[(i + 1) % n]; // the closing edge last
                const bool reversed = std::tie(b.x, b.y) < std::tie(a.x, a.y);
                const Key key = reversed ? Key{ b.x, b.y, a.x, a.y } : Key{ a.x, a.y, b.x, b.y };
                m_steps.push_back(Step{ edge_of(key), reversed, std::int8_t(prime_meridian_crossing(a.x, b.x)) });
                ++r.count;
            }
        m_rings.push_back(r);
        ++polygon.count;
    }
    m_polygons.push_back(polygon);
    return m_polygons.size() - 1;
}

double SharedEdgeAreas::solved(std::uint32_t edge) const
{
    std::atomic<double>& slot = m_solved[edge];
    double S12 = slot.load(std::memory_order_relaxed);
    if (std::isnan(S12)) {
        const Key& k = m_keys[edge];
        geod_geninverse(&m_geodesic, k.lat0, k.lon0, k.lat1, k.lon1, nullptr, nullptr, nullptr, nullptr, nullptr,
                        nullptr, &S12);
        slot.store(S12, std::memory_order_relaxed);
    }
    return S12;
}

double SharedEdgeAreas::ring_area(const Ring& ring) const
{
    if (ring.count < 3)
        return 0.0;
    Accumulator sum;
    int crossings = 0;
    for (std::size_t i = 0; i < ring.count; ++i) {
        const Step& step = m_steps[ring.first + i];
        const double S12 = solved(step.edge);
        sum.add(step.reversed ? -S12 : S12);
        crossings += step.crossing;
    }
    return std::abs(reduced_ring_area(sum, 4 * M_PI * m_geodesic.c2, crossings));
}

double SharedEdgeAreas::area(std::size_t polygon) const
{
    const Polygon& p = m_polygons.at(polygon);
    double total = 0.0;
    for (std::size_t r = 0; r < p.count; ++r) {
        const Ring& ring = m_rings[p.first + r];
        const double a = ring_area(ring);
        total += ring.hole ? -a : a;
    }
    return total;
}

} // namespace redline
