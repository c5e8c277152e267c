#pragma once

#include "rings.h"

#include <geos_c.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief Owns a GEOS context handle; not copyable. Each thread uses its own.
///
/// GEOS reports errors through a callback; the context keeps the last message so that a failed
/// operation can be turned into an exception that says what GEOS said.
class GeosContext
{
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    GEOSContextHandle_t handle() const { return m_handle; }
    const std::string& last_error() const { return m_last_error; }

private:
    static void on_error(const char* message, void* self);
    GEOSContextHandle_t m_handle;
    std::string m_last_error;
};

/// @brief A GEOS context lent to a worker thread from a pool kept for the whole process.
///
/// A geometry's deleter holds the context it was made with, so a context must outlive every
/// geometry made with it. Pooled contexts are therefore never destroyed before the process ends:
/// geometries a worker made stay valid, and can be freed on any thread, after the lease is
/// returned. A context is lent to one holder at a time, so no two threads use one at once.
class GeosLease
{
public:
    GeosLease();
    ~GeosLease();
    GeosLease(GeosLease&& other) noexcept;
    GeosLease(const GeosLease&) = delete;
    GeosLease& operator=(const GeosLease&) = delete;
    GeosLease& operator=(GeosLease&&) = delete;

    const GeosContext& context() const { return *m_context; }

private:
    GeosContext* m_context;
};

/// @brief The GEOS context of thread t of parallel_for_with_state(): the caller's own for t = 0
/// (the calling thread), one lent from the pool for any other.
class ThreadGeos
{
public:
    ThreadGeos(std::size_t thread, const GeosContext& callers);
    const GeosContext& context() const { return *m_context; }

private:
    std::optional<GeosLease> m_lease;
    const GeosContext* m_context; ///< the caller's, or the pooled one (its address outlives moves)
};

/// @brief Deleter for GEOS geometries owned through std::unique_ptr.
struct GeomDeleter
{
    GEOSContextHandle_t context = nullptr;
    void operator()(GEOSGeometry* geometry) const
    {
        if (geometry)
            GEOSGeom_destroy_r(context, geometry);
    }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

/// @brief Deleter for GEOS prepared geometries.
struct PreparedDeleter
{
    GEOSContextHandle_t context = nullptr;
    void operator()(const GEOSPreparedGeometry* prepared) const
    {
        if (prepared)
            GEOSPreparedGeom_destroy_r(context, prepared);
    }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

/// A prepared geometry for repeated predicates against @p geometry (which must outlive it).
PreparedPtr prepare(const GeosContext& ctx, const GEOSGeometry* geometry);

/// Takes ownership of a geometry returned by GEOS; throws with GEOS's message if it is null.
GeomPtr take(const GeosContext& ctx, GEOSGeometry* geometry, const char* operation);

/// An empty MultiPolygon.
GeomPtr empty_polygon(const GeosContext& ctx);

/// A deep copy.
GeomPtr clone(const GeosContext& ctx, const GEOSGeometry* geometry);

/// The rings of every polygon in @p geometry (polygons, multipolygons, collections: other
/// geometry types are skipped), flattened with their shell/hole roles.
Rings to_rings(const GeosContext& ctx, const GEOSGeometry* geometry);

/// Builds a (Multi)Polygon from rings whose first rings are shells each followed by its holes.
GeomPtr from_rings(const GeosContext& ctx, const Rings& rings);

} // namespace redline
