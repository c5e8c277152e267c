#include "polygon_ops.h"

#include "error.h"

#include <algorithm>

namespace redline {

bool is_valid(const GeosContext& ctx, const GEOSGeometry* geometry, std::string& reason)
{
    const char valid = GEOSisValid_r(ctx.handle(), geometry);
    if (valid == 1)
        return true;
    char* text = GEOSisValidReason_r(ctx.handle(), geometry);
    reason = text ? text : "invalid geometry";
    if (text)
        GEOSFree_r(ctx.handle(), text);
    return false;
}

namespace {

void collect_polygons(const GeosContext& ctx, const GEOSGeometry* g, std::vector<GEOSGeometry*>& out)
{
    const int type = GEOSGeomTypeId_r(ctx.handle(), g);
    if (type == GEOS_POLYGON) {
        if (!GEOSisEmpty_r(ctx.handle(), g))
            out.push_back(GEOSGeom_clone_r(ctx.handle(), g));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx.handle(), g);
        for (int i = 0; i < n; ++i)
            collect_polygons(ctx, GEOSGetGeometryN_r(ctx.handle(), g, i), out);
    }
}

} // namespace

GeomPtr polygonal_part(const GeosContext& ctx, const GEOSGeometry* geometry)
{
    if (GEOSGeomTypeId_r(ctx.handle(), geometry) == GEOS_MULTIPOLYGON)
        return clone(ctx, geometry);
    std::vector<GEOSGeometry*> polygons;
    collect_polygons(ctx, geometry, polygons);
    return take(ctx,
                GEOSGeom_createCollection_r(ctx.handle(), GEOS_MULTIPOLYGON, polygons.data(),
                                            static_cast<unsigned int>(polygons.size())),
                "collect polygons");
}

GeomPtr repair_polygon(const GeosContext& ctx, const GEOSGeometry* geometry)
{
    GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(ctx.handle());
    GEOSMakeValidParams_setMethod_r(ctx.handle(), params, GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(ctx.handle(), params, 0);
    GEOSGeometry* fixed = GEOSMakeValidWithParams_r(ctx.handle(), geometry, params);
    GEOSMakeValidParams_destroy_r(ctx.handle(), params);
    GeomPtr result = take(ctx, fixed, "make valid");
    return polygonal_part(ctx, result.get());
}

GeomPtr union_all(const GeosContext& ctx, const std::vector<const GEOSGeometry*>& geometries)
{
    if (geometries.empty())
        return empty_polygon(ctx);
    std::vector<GEOSGeometry*> parts;
    for (const GEOSGeometry* g : geometries)
        collect_polygons(ctx, g, parts);
    // A GeometryCollection, not a MultiPolygon: the members may overlap, which a MultiPolygon forbids.
    GeomPtr collection = take(ctx,
                              GEOSGeom_createCollection_r(ctx.handle(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                          static_cast<unsigned int>(parts.size())),
                              "collect for union");
    GeomPtr dissolved = take(ctx, GEOSUnaryUnion_r(ctx.handle(), collection.get()), "union");
    return polygonal_part(ctx, dissolved.get());
}

GeomPtr intersection(const GeosContext& ctx, const GEOSGeometry* a, const GEOSGeometry* b)
{
    GeomPtr result = take(ctx, GEOSIntersection_r(ctx.handle(), a, b), "intersection");
    return polygonal_part(ctx, result.get());
}

GeomPtr difference(const GeosContext& ctx, const GEOSGeometry* a, const GEOSGeometry* b)
{
    GeomPtr result = take(ctx, GEOSDifference_r(ctx.handle(), a, b), "difference");
    return polygonal_part(ctx, result.get());
}

namespace {

struct TreeQuery
{
    std::vector<std::size_t> hits;
};

void on_tree_hit(void* item, void* userdata)
{
    static_cast<TreeQuery*>(userdata)->hits.push_back(reinterpret_cast<std::size_t>(item));
}

} // namespace

std::vector<std::pair<std::size_t, std::size_t>> pairs_with_meeting_boxes(const GeosContext& ctx,
                                                                          const std::vector<const GEOSGeometry*>& geometries)
{
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    if (geometries.size() < 2)
        return pairs;
    GEOSSTRtree* tree = GEOSSTRtree_create_r(ctx.handle(), 10);
    for (std::size_t i = 0; i < geometries.size(); ++i)
        GEOSSTRtree_insert_r(ctx.handle(), tree, geometries[i], reinterpret_cast<void*>(i));
    try {
        for (std::size_t i = 0; i < geometries.size(); ++i) {
            TreeQuery query;
            GEOSSTRtree_query_r(ctx.handle(), tree, geometries[i], &on_tree_hit, &query);
            std::sort(query.hits.begin(), query.hits.end());
            for (std::size_t j : query.hits)
                if (j > i)
                    pairs.emplace_back(i, j);
        }
    } catch (...) {
        GEOSSTRtree_destroy_r(ctx.handle(), tree);
        throw;
    }
    GEOSSTRtree_destroy_r(ctx.handle(), tree);
    return pairs;
}

GeomPtr shared_area(const GeosContext& ctx, const GEOSGeometry* a, const GEOSGeometry* b)
{
    // Touching neighbours (a common case in well-made layers) share no area: the relate test
    // avoids computing an empty intersection for them.
    if (GEOSRelatePattern_r(ctx.handle(), a, b, "2********") != 1)
        return nullptr;
    GeomPtr shared = intersection(ctx, a, b);
    return GEOSisEmpty_r(ctx.handle(), shared.get()) ? nullptr : std::move(shared);
}

std::vector<GeomPtr> polygon_parts(const GeosContext& ctx, const GEOSGeometry* geometry)
{
    std::vector<GEOSGeometry*> raw;
    collect_polygons(ctx, geometry, raw);
    std::vector<GeomPtr> parts;
    parts.reserve(raw.size());
    for (GEOSGeometry* g : raw)
        parts.emplace_back(g, GeomDeleter{ ctx.handle() });
    return parts;
}

Point point_on_surface(const GeosContext& ctx, const GEOSGeometry* geometry)
{
    GeomPtr p = take(ctx, GEOSPointOnSurface_r(ctx.handle(), geometry), "point on surface");
    Point out{ 0, 0 };
    if (!GEOSisEmpty_r(ctx.handle(), p.get())) {
        GEOSGeomGetX_r(ctx.handle(), p.get(), &out.x);
        GEOSGeomGetY_r(ctx.handle(), p.get(), &out.y);
    }
    return out;
}

Box bounds(const GeosContext& ctx, const GEOSGeometry* geometry)
{
    Box b;
    if (geometry && !GEOSisEmpty_r(ctx.handle(), geometry)) {
        GEOSGeom_getExtent_r(ctx.handle(), geometry, &b.xmin, &b.ymin, &b.xmax, &b.ymax);
    }
    return b;
}

} // namespace redline
