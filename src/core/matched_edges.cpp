#include "matched_edges.h"

#include <algorithm>
#include <tuple>

namespace redline {

namespace {

/// A boundary segment with its end points in a fixed order (the lesser first), and +1 when it
/// was walked from the lesser to the greater, -1 the other way, negated for the whole's.
struct Segment
{
    double x0, y0, x1, y1;
    int sign;

    bool same_place(const Segment& o) const { return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1; }
    bool operator<(const Segment& o) const { return std::tie(x0, y0, x1, y1) < std::tie(o.x0, o.y0, o.x1, o.y1); }
};

/// Adds the segments of @p ring to @p out, walked with the polygon's interior on the left (a
/// shell counter-clockwise, a hole clockwise), each with @p sign. False when GEOS cannot say.
bool add_ring(const GeosContext& ctx, const GEOSGeometry* ring, bool hole, int sign, std::vector<double>& xy,
              std::vector<Segment>& out)
{
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.handle(), ring);
    unsigned int n = 0;
    char ccw = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx.handle(), seq, &n) || !GEOSCoordSeq_isCCW_r(ctx.handle(), seq, &ccw))
        return false;
    xy.resize(2 * std::size_t(n));
    if (n > 0 && !GEOSCoordSeq_copyToBuffer_r(ctx.handle(), seq, xy.data(), 0, 0))
        return false;
    // Interior on the left: a counter-clockwise shell or a clockwise hole is walked as stored.
    const int walk = (ccw != 0) != hole ? sign : -sign;
    for (unsigned int i = 0; i + 1 < n; ++i) {
        const double ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
        if (ax == bx && ay == by)
            continue; // a repeated vertex is no segment
        if (std::tie(ax, ay) < std::tie(bx, by))
            out.push_back(Segment{ ax, ay, bx, by, walk });
        else
            out.push_back(Segment{ bx, by, ax, ay, -walk });
    }
    return true;
}

bool add_polygons(const GeosContext& ctx, const GEOSGeometry* g, int sign, std::vector<double>& xy,
                  std::vector<Segment>& out)
{
    const int type = GEOSGeomTypeId_r(ctx.handle(), g);
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int parts = GEOSGetNumGeometries_r(ctx.handle(), g);
        for (int i = 0; i < parts; ++i)
            if (!add_polygons(ctx, GEOSGetGeometryN_r(ctx.handle(), g, i), sign, xy, out))
                return false;
        return true;
    }
    if (type != GEOS_POLYGON)
        return false;
    if (GEOSisEmpty_r(ctx.handle(), g))
        return true;
    if (!add_ring(ctx, GEOSGetExteriorRing_r(ctx.handle(), g), false, sign, xy, out))
        return false;
    const int holes = GEOSGetNumInteriorRings_r(ctx.handle(), g);
    for (int i = 0; i < holes; ++i)
        if (!add_ring(ctx, GEOSGetInteriorRingN_r(ctx.handle(), g, i), true, sign, xy, out))
            return false;
    return true;
}

} // namespace

bool edges_match(const GeosContext& ctx, const std::vector<const GEOSGeometry*>& parts, const GEOSGeometry* whole)
{
    std::vector<Segment> segments;
    std::vector<double> xy;
    for (const GEOSGeometry* part : parts)
        if (!add_polygons(ctx, part, +1, xy, segments))
            return false;
    if (!add_polygons(ctx, whole, -1, xy, segments))
        return false;
    std::sort(segments.begin(), segments.end());
    for (std::size_t i = 0; i < segments.size();) {
        int sum = 0;
        std::size_t j = i;
        for (; j < segments.size() && segments[j].same_place(segments[i]); ++j)
            sum += segments[j].sign;
        if (sum != 0)
            return false;
        i = j;
    }
    return true;
}

} // namespace redline
