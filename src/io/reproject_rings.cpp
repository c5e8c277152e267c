#include "reproject_rings.h"

#include "error.h"

#include <ogr_geometry.h>

#include <memory>

namespace redline {

namespace {

void append(const OGRPolygon& polygon, Rings& out)
{
    bool first = true;
    for (const OGRLinearRing* ring : polygon) {
        Ring r;
        r.hole = !first;
        first = false;
        r.points.reserve(std::size_t(ring->getNumPoints()));
        for (const OGRPoint& p : *ring)
            r.points.push_back(Point{ p.getX(), p.getY() });
        out.rings.push_back(std::move(r));
    }
}

} // namespace

Rings reproject_to_rings(const GeosContext& ctx, const GEOSGeometry* lonlat, const Reprojection& to_target)
{
    Rings out;
    if (!lonlat || GEOSisEmpty_r(ctx.handle(), lonlat))
        return out;
    std::unique_ptr<OGRGeometry> g(OGRGeometryFactory::createFromGEOS(ctx.handle(), const_cast<GEOSGeometry*>(lonlat)));
    if (!g)
        throw Error("cannot convert a polygon for the raster pass");
    if (!to_target.identity())
        g->segmentize(0.001);
    if (!to_target.apply(*g))
        throw InputError("a zone cannot be transformed into the raster's CRS; do the raster and the layers cover "
                         "the same place?");
    const OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
    if (t == wkbPolygon)
        append(*g->toPolygon(), out);
    else if (t == wkbMultiPolygon)
        for (const OGRPolygon* p : *g->toMultiPolygon())
            append(*p, out);
    else if (t == wkbGeometryCollection)
        for (const OGRGeometry* m : *g->toGeometryCollection())
            if (wkbFlatten(m->getGeometryType()) == wkbPolygon)
                append(*m->toPolygon(), out);
    return out;
}

} // namespace redline
