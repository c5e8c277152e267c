#include "coordinate_operation.h"

#include <cpl_conv.h>
#include <proj.h>

#include <cstring>
#include <memory>

namespace redline {

namespace {

/// EPSG releases in which CGCS2000's CRSs (EPSG:4490, 4479, 4480) are the source or target of no
/// transformation (grid, Helmert, other or concatenated), from any authority in proj.db:
///   sqlite3 proj.db "SELECT COUNT(*) FROM coordinate_operation_view WHERE
///     (source_crs_auth_name = 'EPSG' AND source_crs_code IN ('4490','4479','4480')) OR
///     (target_crs_auth_name = 'EPSG' AND target_crs_code IN ('4490','4479','4480'))"   -> 0
/// v10.076 is what Debian bookworm's proj-data (PROJ 9.1.1) ships. tests/unit/test_crs.cpp checks
/// that the full search agrees wherever this file short-cuts it; add a release only after the query.
constexpr const char* kReleasesWithoutCgcs2000Transformations[] = { "v10.076" };

/// The EPSG code of CGCS2000's datum (China 2000).
constexpr const char* kCgcs2000Datum = "1043";

// PROJ objects belong to the context they were made in, and are destroyed before it.
struct ContextDeleter
{
    void operator()(PJ_CONTEXT* c) const { proj_context_destroy(c); }
};
struct ObjectDeleter
{
    void operator()(PJ* p) const { proj_destroy(p); }
};
struct ListDeleter
{
    void operator()(PJ_OBJ_LIST* l) const { proj_list_destroy(l); }
};
struct FactoryDeleter
{
    void operator()(PJ_OPERATION_FACTORY_CONTEXT* f) const { proj_operation_factory_context_destroy(f); }
};
using ContextPtr = std::unique_ptr<PJ_CONTEXT, ContextDeleter>;
using ObjectPtr = std::unique_ptr<PJ, ObjectDeleter>;
using ListPtr = std::unique_ptr<PJ_OBJ_LIST, ListDeleter>;
using FactoryPtr = std::unique_ptr<PJ_OPERATION_FACTORY_CONTEXT, FactoryDeleter>;

bool datum_is_cgcs2000(const OGRSpatialReference& srs)
{
    const char* authority = srs.GetAuthorityName("DATUM");
    const char* code = srs.GetAuthorityCode("DATUM");
    return authority && code && std::strcmp(authority, "EPSG") == 0 && std::strcmp(code, kCgcs2000Datum) == 0;
}

bool database_has_no_cgcs2000_transformations(PJ_CONTEXT* context)
{
    const char* release = proj_context_get_database_metadata(context, "EPSG.VERSION");
    if (!release)
        return false;
    for (const char* known : kReleasesWithoutCgcs2000Transformations)
        if (std::strcmp(release, known) == 0)
            return true;
    return false;
}

/// The CRS as a PROJ object of @p context (WKT2 keeps everything GDAL knows of it).
ObjectPtr to_proj(PJ_CONTEXT* context, const OGRSpatialReference& srs)
{
    char* wkt = nullptr;
    const char* options[] = { "FORMAT=WKT2_2019", nullptr };
    if (srs.exportToWkt(&wkt, options) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        return ObjectPtr();
    }
    ObjectPtr crs(proj_create(context, wkt));
    CPLFree(wkt);
    return crs;
}

} // namespace

std::optional<std::string> operation_without_pivot_search(const OGRSpatialReference& from,
                                                          const OGRSpatialReference& to)
{
    if (datum_is_cgcs2000(from) == datum_is_cgcs2000(to))
        return std::nullopt; // neither (nothing known) or both (no datum change: PROJ is quick)
    // One context per thread, kept: PROJ caches what it read of its database in the context, so
    // the next search on this thread takes ~2 ms instead of ~10 (activity makes three).
    thread_local const ContextPtr context = [] {
        ContextPtr made(proj_context_create());
        if (made)
            proj_log_level(made.get(), PJ_LOG_NONE);
        return made;
    }();
    if (!context)
        return std::nullopt;
    PJ_CONTEXT* c = context.get();
    if (!database_has_no_cgcs2000_transformations(c))
        return std::nullopt;
    const ObjectPtr source = to_proj(c, from);
    const ObjectPtr target = to_proj(c, to);
    if (!source || !target)
        return std::nullopt;
    const FactoryPtr factory(proj_create_operation_factory_context(c, nullptr));
    if (!factory)
        return std::nullopt;
    proj_operation_factory_context_set_allow_use_intermediate_crs(c, factory.get(), PROJ_INTERMEDIATE_CRS_USE_NEVER);
    proj_operation_factory_context_set_spatial_criterion(c, factory.get(), PROJ_SPATIAL_CRITERION_PARTIAL_INTERSECTION);
    const ListPtr operations(proj_create_operations(c, source.get(), target.get(), factory.get()));
    if (!operations || proj_list_get_count(operations.get()) < 1)
        return std::nullopt;
    const ObjectPtr best(proj_list_get(c, operations.get(), 0));
    // A real transformation found directly is not what this short cut is for: GDAL keeps every
    // candidate and picks one per point by its area of use.
    if (!best || !proj_coordoperation_has_ballpark_transformation(c, best.get()))
        return std::nullopt;
    const char* pipeline = proj_as_proj_string(c, best.get(), PJ_PROJ_5, nullptr);
    if (!pipeline)
        return std::nullopt;
    return std::string(pipeline);
}

} // namespace redline
