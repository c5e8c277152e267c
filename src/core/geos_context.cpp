#include "geos_context.h"

#include "error.h"

#include <cstdarg>
#include <mutex>

namespace redline {

GeosContext::GeosContext()
  : m_handle(GEOS_init_r())
{
    if (!m_handle)
        throw Error("GEOS could not be initialised");
    GEOSContext_setErrorMessageHandler_r(m_handle, &GeosContext::on_error, this);
}

GeosContext::~GeosContext()
{
    GEOS_finish_r(m_handle);
}

void GeosContext::on_error(const char* message, void* self)
{
    static_cast<GeosContext*>(self)->m_last_error = message ? message : "";
}

namespace {

/// Every context ever lent, and those free to lend again.
struct GeosPool
{
    std::mutex mutex;
    std::vector<std::unique_ptr<GeosContext>> all;
    std::vector<GeosContext*> free;
};

GeosPool& geos_pool()
{
    static GeosPool pool;
    return pool;
}

} // namespace

GeosLease::GeosLease()
{
    GeosPool& pool = geos_pool();
    std::lock_guard<std::mutex> lock(pool.mutex);
    if (pool.free.empty()) {
        pool.all.push_back(std::make_unique<GeosContext>());
        pool.free.push_back(pool.all.back().get());
    }
    m_context = pool.free.back();
    pool.free.pop_back();
}

GeosLease::GeosLease(GeosLease&& other) noexcept
  : m_context(other.m_context)
{
    other.m_context = nullptr;
}

GeosLease::~GeosLease()
{
    if (!m_context)
        return;
    GeosPool& pool = geos_pool();
    std::lock_guard<std::mutex> lock(pool.mutex);
    pool.free.push_back(m_context);
}

ThreadGeos::ThreadGeos(std::size_t thread, const GeosContext& callers)
{
    if (thread > 0)
        m_lease.emplace();
    m_context = thread > 0 ? &m_lease->context() : &callers;
}

GeomPtr take(const GeosContext& ctx, GEOSGeometry* geometry, const char* operation)
{
    if (!geometry)
        throw Error(std::string("geometry operation '") + operation + "' failed: " + ctx.last_error());
    return GeomPtr(geometry, GeomDeleter{ ctx.handle() });
}

PreparedPtr prepare(const GeosContext& ctx, const GEOSGeometry* geometry)
{
    const GEOSPreparedGeometry* prepared = GEOSPrepare_r(ctx.handle(), geometry);
    if (!prepared)
        throw Error("geometry operation 'prepare' failed: " + ctx.last_error());
    return PreparedPtr(prepared, PreparedDeleter{ ctx.handle() });
}

GeomPtr empty_polygon(const GeosContext& ctx)
{
    return take(ctx, GEOSGeom_createEmptyCollection_r(ctx.handle(), GEOS_MULTIPOLYGON), "create empty");
}

GeomPtr clone(const GeosContext& ctx, const GEOSGeometry* geometry)
{
    return take(ctx, GEOSGeom_clone_r(ctx.handle(), geometry), "clone");
}

namespace {

void append_ring(const GeosContext& ctx, const GEOSGeometry* ring, bool hole, Rings& out)
{
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.handle(), ring);
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx.handle(), seq, &n) || n == 0)
        return;
    Ring r;
    r.hole = hole;
    r.points.resize(n);
    // Point is two doubles: the buffer copy is the fast path GEOS offers for this.
    GEOSCoordSeq_copyToBuffer_r(ctx.handle(), seq, reinterpret_cast<double*>(r.points.data()), 0, 0);
    out.rings.push_back(std::move(r));
}

void append_polygonal(const GeosContext& ctx, const GEOSGeometry* g, Rings& out)
{
    const int type = GEOSGeomTypeId_r(ctx.handle(), g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx.handle(), g))
            return;
        append_ring(ctx, GEOSGetExteriorRing_r(ctx.handle(), g), false, out);
        const int holes = GEOSGetNumInteriorRings_r(ctx.handle(), g);
        for (int i = 0; i < holes; ++i)
            append_ring(ctx, GEOSGetInteriorRingN_r(ctx.handle(), g, i), true, out);
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx.handle(), g);
        for (int i = 0; i < n; ++i)
            append_polygonal(ctx, GEOSGetGeometryN_r(ctx.handle(), g, i), out);
    }
}

GEOSGeometry* make_ring(const GeosContext& ctx, const Ring& ring)
{
    std::vector<Point> pts = ring.points;
    if (pts.size() > 0 && (pts.front().x != pts.back().x || pts.front().y != pts.back().y))
        pts.push_back(pts.front());
    GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(ctx.handle(), reinterpret_cast<const double*>(pts.data()),
                                                           static_cast<unsigned int>(pts.size()), 0, 0);
    if (!seq)
        throw Error("geometry operation 'ring' failed: " + ctx.last_error());
    GEOSGeometry* lr = GEOSGeom_createLinearRing_r(ctx.handle(), seq);
    if (!lr)
        throw Error("geometry operation 'ring' failed: " + ctx.last_error());
    return lr;
}

} // namespace

Rings to_rings(const GeosContext& ctx, const GEOSGeometry* geometry)
{
    Rings out;
    if (geometry)
        append_polygonal(ctx, geometry, out);
    return out;
}

GeomPtr from_rings(const GeosContext& ctx, const Rings& rings)
{
    std::vector<GEOSGeometry*> polygons;
    std::size_t i = 0;
    while (i < rings.rings.size()) {
        GEOSGeometry* shell = make_ring(ctx, rings.rings[i++]);
        std::vector<GEOSGeometry*> holes;
        while (i < rings.rings.size() && rings.rings[i].hole)
            holes.push_back(make_ring(ctx, rings.rings[i++]));
        polygons.push_back(GEOSGeom_createPolygon_r(ctx.handle(), shell, holes.data(),
                                                    static_cast<unsigned int>(holes.size())));
    }
    return take(ctx,
                GEOSGeom_createCollection_r(ctx.handle(), GEOS_MULTIPOLYGON, polygons.data(),
                                            static_cast<unsigned int>(polygons.size())),
                "multipolygon");
}

} // namespace redline
