#include "dissolve.h"

#include "parallel_for.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace redline {

void MeasuredParts::add(GeomPtr part, double area, const GeosContext& ctx)
{
    bounds.push_back(redline::bounds(ctx, part.get()));
    parts.push_back(std::move(part));
    areas.push_back(area);
}

double MeasuredParts::total() const
{
    // A fixed order: the same parts give the same sum to the last bit.
    double sum = 0.0;
    for (double a : areas)
        sum += a;
    return sum;
}

GeomPtr MeasuredParts::collect(const GeosContext& ctx) const
{
    std::vector<const GEOSGeometry*> geoms;
    for (const auto& p : parts)
        geoms.push_back(p.get());
    std::vector<GEOSGeometry*> polygons;
    for (const GEOSGeometry* g : geoms)
        for (auto& piece : polygon_parts(ctx, g))
            polygons.push_back(piece.release());
    return take(ctx,
                GEOSGeom_createCollection_r(ctx.handle(), GEOS_MULTIPOLYGON, polygons.data(),
                                            static_cast<unsigned int>(polygons.size())),
                "collect parts");
}

namespace {

struct UnionFind
{
    std::vector<std::size_t> parent;
    explicit UnionFind(std::size_t n)
      : parent(n)
    {
        std::iota(parent.begin(), parent.end(), std::size_t(0));
    }
    std::size_t find(std::size_t i)
    {
        while (parent[i] != i)
            i = parent[i] = parent[parent[i]];
        return i;
    }
    void join(std::size_t a, std::size_t b)
    {
        a = find(a);
        b = find(b);
        if (a != b)
            parent[std::max(a, b)] = std::min(a, b);
    }
};

} // namespace

Dissolved dissolve(const GeosContext& ctx, const AreaMeter& meter, const std::vector<const GEOSGeometry*>& geometries,
                   const std::vector<double>& areas)
{
    Dissolved out;
    const std::size_t n = geometries.size();
    std::vector<Box> boxes;
    for (const GEOSGeometry* g : geometries)
        boxes.push_back(bounds(ctx, g));

    // Candidate pairs by bounding box (an STR tree would pay off only for far larger layers than
    // a district's red line: a sort by xmin keeps this O(n log n + pairs)).
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return boxes[a].xmin < boxes[b].xmin; });
    UnionFind clusters(n);
    for (std::size_t oi = 0; oi < n; ++oi) {
        const std::size_t i = order[oi];
        if (boxes[i].empty())
            continue;
        PreparedPtr prepared;
        for (std::size_t oj = oi + 1; oj < n && boxes[order[oj]].xmin <= boxes[i].xmax; ++oj) {
            const std::size_t j = order[oj];
            if (!boxes[i].intersects(boxes[j]))
                continue;
            if (!prepared)
                prepared = prepare(ctx, geometries[i]);
            if (GEOSPreparedIntersects_r(ctx.handle(), prepared.get(), geometries[j]) != 1)
                continue;
            clusters.join(i, j);
            // Touching neighbours share a line, not area: their polygonal intersection is empty.
            GeomPtr shared = intersection(ctx, geometries[i], geometries[j]);
            if (!GEOSisEmpty_r(ctx.handle(), shared.get()))
                out.overlaps.push_back(Overlap{ std::min(i, j), std::max(i, j), std::move(shared) });
        }
    }
    std::sort(out.overlaps.begin(), out.overlaps.end(),
              [](const Overlap& a, const Overlap& b) { return a.a != b.a ? a.a < b.a : a.b < b.b; });

    std::vector<std::vector<std::size_t>> members(n);
    for (std::size_t i = 0; i < n; ++i)
        members[clusters.find(i)].push_back(i);
    for (std::size_t root = 0; root < n; ++root) {
        const auto& m = members[root];
        if (m.empty())
            continue;
        if (m.size() == 1) {
            if (!GEOSisEmpty_r(ctx.handle(), geometries[m[0]]))
                out.parts.add(polygonal_part(ctx, geometries[m[0]]), areas[m[0]], ctx);
            continue;
        }
        std::vector<const GEOSGeometry*> group;
        for (std::size_t i : m)
            group.push_back(geometries[i]);
        GeomPtr merged = union_all(ctx, group);
        const double a = meter.geodesic(ctx, merged.get());
        out.parts.add(std::move(merged), a, ctx);
    }
    return out;
}

void split_by(const GeosContext& ctx, const AreaMeter& meter, MeasuredParts parts, const GEOSGeometry* polygon,
              MeasuredParts& inside, MeasuredParts* outside)
{
    const PreparedPtr prepared = prepare(ctx, polygon);
    const Box box = bounds(ctx, polygon);
    for (std::size_t i = 0; i < parts.parts.size(); ++i) {
        GeomPtr& part = parts.parts[i];
        const bool may_meet = box.intersects(parts.bounds[i]);
        if (may_meet && GEOSPreparedContains_r(ctx.handle(), prepared.get(), part.get()) == 1) {
            inside.add(std::move(part), parts.areas[i], ctx);
        } else if (!may_meet || GEOSPreparedIntersects_r(ctx.handle(), prepared.get(), part.get()) != 1) {
            if (outside)
                outside->add(std::move(part), parts.areas[i], ctx);
        } else {
            GeomPtr in = intersection(ctx, part.get(), polygon);
            if (!GEOSisEmpty_r(ctx.handle(), in.get())) {
                const double a = meter.geodesic(ctx, in.get());
                inside.add(std::move(in), a, ctx);
            }
            if (outside) {
                GeomPtr out = difference(ctx, part.get(), polygon);
                if (!GEOSisEmpty_r(ctx.handle(), out.get())) {
                    const double a = meter.geodesic(ctx, out.get());
                    outside->add(std::move(out), a, ctx);
                }
            }
        }
    }
}

double area_within(const GeosContext& ctx, const AreaMeter& meter, const MeasuredParts& parts,
                   const GEOSGeometry* polygon)
{
    return areas_within_each(ctx, meter, parts, { polygon }, 1)[0];
}

double area_within(const GeosContext& ctx, const AreaMeter& meter, const std::vector<const GEOSGeometry*>& parts,
                   const std::vector<double>& areas, const std::vector<Box>& boxes, const GEOSGeometry* polygon)
{
    return areas_within_each(ctx, meter, parts, areas, boxes, { polygon }, 1)[0];
}

std::vector<double> areas_within_each(const GeosContext& ctx, const AreaMeter& meter, const MeasuredParts& parts,
                                      const std::vector<const GEOSGeometry*>& polygons, int threads)
{
    std::vector<const GEOSGeometry*> geometries;
    geometries.reserve(parts.parts.size());
    for (const auto& p : parts.parts)
        geometries.push_back(p.get());
    return areas_within_each(ctx, meter, geometries, parts.areas, parts.bounds, polygons, threads);
}

std::vector<double> areas_within_each(const GeosContext& ctx, const AreaMeter& meter,
                                      const std::vector<const GEOSGeometry*>& parts, const std::vector<double>& areas,
                                      const std::vector<Box>& part_bounds,
                                      const std::vector<const GEOSGeometry*>& polygons, int threads)
{
    std::vector<Box> boxes;
    for (const GEOSGeometry* p : polygons)
        boxes.push_back(bounds(ctx, p));
    // Work goes by part, so that no part is copied: the polygons (zones, a fraction of the
    // vertices) are. pieces[i] holds part i's area in each polygon it meets.
    std::vector<std::vector<std::pair<std::size_t, double>>> pieces(parts.size());
    struct Thread
    {
        ThreadGeos geos;
        std::vector<GeomPtr> own;
        std::vector<const GEOSGeometry*> polygons;
        std::vector<PreparedPtr> prepared; ///< made when first needed
    };
    parallel_for_with_state(
      parts.size(), threads,
      [&](std::size_t t) {
          auto s = std::make_unique<Thread>(Thread{ ThreadGeos(t, ctx), {}, {}, {} });
          for (const GEOSGeometry* p : polygons) {
              if (t > 0)
                  s->own.push_back(clone(s->geos.context(), p));
              s->polygons.push_back(t > 0 ? s->own.back().get() : p);
          }
          s->prepared.resize(polygons.size());
          return s;
      },
      [&](std::unique_ptr<Thread>& s, std::size_t i) {
          const GEOSGeometry* part = parts[i];
          const GeosContext& geos = s->geos.context();
          const GEOSContextHandle_t h = geos.handle();
          for (std::size_t z = 0; z < polygons.size(); ++z) {
              if (!boxes[z].intersects(part_bounds[i]))
                  continue;
              if (!s->prepared[z])
                  s->prepared[z] = prepare(geos, s->polygons[z]);
              if (GEOSPreparedContains_r(h, s->prepared[z].get(), part) == 1) {
                  pieces[i].emplace_back(z, areas[i]);
              } else if (GEOSPreparedIntersects_r(h, s->prepared[z].get(), part) == 1) {
                  GeomPtr in = intersection(geos, part, s->polygons[z]);
                  if (!GEOSisEmpty_r(h, in.get()))
                      pieces[i].emplace_back(z, meter.geodesic(geos, in.get()));
              }
          }
      });
    // Summed polygon by polygon in part order, so that the sums do not depend on the threads.
    std::vector<double> sums(polygons.size(), 0.0);
    for (const auto& list : pieces)
        for (const auto& piece : list)
            sums[piece.first] += piece.second;
    return sums;
}

} // namespace redline
