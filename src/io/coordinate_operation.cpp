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

/// The first operation of PROJ's direct search (no intermediate CRS) from @p source to @p target.
ObjectPtr first_direct_operation(PJ_CONTEXT* c, const PJ* source, const PJ* target)
{
    const FactoryPtr factory(proj_create_operation_factory_context(c, nullptr));
    if (!factory)
        return ObjectPtr();
    proj_operation_factory_context_set_allow_use_intermediate_crs(c, factory.get(), PROJ_INTERMEDIATE_CRS_USE_NEVER);
    proj_operation_factory_context_set_spatial_criterion(c, factory.get(), PROJ_SPATIAL_CRITERION_PARTIAL_INTERSECTION);
    const ListPtr operations(proj_create_operations(c, source, target, factory.get()));
    if (!operations || proj_list_get_count(operations.get()) < 1)
        return ObjectPtr();
    return ObjectPtr(proj_list_get(c, operations.get(), 0));
}

/// The 2D geographic CRS of @p crs (itself, or a projected CRS's base), or null when @p crs is of
/// another kind (bound, compound, 3D).
ObjectPtr geographic_2d_of(PJ_CONTEXT* c, const PJ* crs)
{
    const PJ_TYPE type = proj_get_type(crs);
    if (type != PJ_TYPE_GEOGRAPHIC_2D_CRS && type != PJ_TYPE_PROJECTED_CRS)
        return ObjectPtr();
    ObjectPtr base(proj_crs_get_geodetic_crs(c, crs));
    if (!base || proj_get_type(base.get()) != PJ_TYPE_GEOGRAPHIC_2D_CRS)
        return ObjectPtr();
    return base;
}

/// Whether two geographic CRSs give a point the same coordinates when their datums are taken as
/// one: the same axes (directions, units) and a Greenwich prime meridian on both.
bool same_coordinates_for_one_datum(PJ_CONTEXT* c, const PJ* a, const PJ* b)
{
    for (const PJ* g : { a, b }) {
        const ObjectPtr meridian(proj_get_prime_meridian(c, g));
        double longitude = 1.0;
        if (!meridian || !proj_prime_meridian_get_parameters(c, meridian.get(), &longitude, nullptr, nullptr) ||
            longitude != 0.0)
            return false;
    }
    const ObjectPtr cs_a(proj_crs_get_coordinate_system(c, a)), cs_b(proj_crs_get_coordinate_system(c, b));
    if (!cs_a || !cs_b || proj_cs_get_axis_count(c, cs_a.get()) != 2 || proj_cs_get_axis_count(c, cs_b.get()) != 2)
        return false;
    for (int i = 0; i < 2; ++i) {
        const char *dir_a = nullptr, *dir_b = nullptr;
        double unit_a = 0, unit_b = 0;
        if (!proj_cs_get_axis_info(c, cs_a.get(), i, nullptr, nullptr, &dir_a, &unit_a, nullptr, nullptr, nullptr) ||
            !proj_cs_get_axis_info(c, cs_b.get(), i, nullptr, nullptr, &dir_b, &unit_b, nullptr, nullptr, nullptr) ||
            !dir_a || !dir_b || std::strcmp(dir_a, dir_b) != 0 || unit_a != unit_b)
            return false;
    }
    return true;
}

/// The pipeline's steps, without its "+proj=pipeline" head (a single operation is one step).
std::string steps_of(const std::string& pipeline)
{
    const std::string head = "+proj=pipeline ";
    return pipeline.compare(0, head.size(), head) == 0 ? pipeline.substr(head.size()) : "+step " + pipeline;
}

/// The ballpark operation from @p source to @p target made without searching between their
/// datums: @p source to its own geographic CRS, then the target's geographic CRS to @p target,
/// the two geographic CRSs' coordinates taken as equal in between (which is what PROJ's ballpark
/// geographic offset does when they share axes, units and prime meridian). Both halves stay on one
/// datum, which PROJ answers without a search (~1 ms where the search between datums took 15-25 ms
/// a CRS pair on a cold context); PROJ's own formatter then cancels the steps that undo each
/// other, as it does for the operation its search returns. Nothing when the CRSs are of another
/// kind or their geographic CRSs differ in axes, units or prime meridian.
std::optional<std::string> ballpark_by_halves(PJ_CONTEXT* c, const PJ* source, const PJ* target)
{
    const ObjectPtr source_geographic = geographic_2d_of(c, source);
    const ObjectPtr target_geographic = geographic_2d_of(c, target);
    if (!source_geographic || !target_geographic ||
        !same_coordinates_for_one_datum(c, source_geographic.get(), target_geographic.get()))
        return std::nullopt;
    const ObjectPtr first = first_direct_operation(c, source, source_geographic.get());
    const ObjectPtr second = first_direct_operation(c, target_geographic.get(), target);
    if (!first || !second || proj_coordoperation_has_ballpark_transformation(c, first.get()) ||
        proj_coordoperation_has_ballpark_transformation(c, second.get()))
        return std::nullopt;
    const char* first_steps = proj_as_proj_string(c, first.get(), PJ_PROJ_5, nullptr);
    const char* second_steps = proj_as_proj_string(c, second.get(), PJ_PROJ_5, nullptr);
    if (!first_steps || !second_steps)
        return std::nullopt;
    const std::string joined = "+proj=pipeline " + steps_of(first_steps) + " " + steps_of(second_steps);
    const ObjectPtr operation(proj_create(c, joined.c_str()));
    const char* simplified = operation ? proj_as_proj_string(c, operation.get(), PJ_PROJ_5, nullptr) : nullptr;
    if (!simplified)
        return std::nullopt;
    return std::string(simplified);
}

} // namespace

std::optional<std::string> operation_without_pivot_search(const OGRSpatialReference& from,
                                                          const OGRSpatialReference& to, bool* made_by_halves)
{
    if (made_by_halves)
        *made_by_halves = false;
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
    // With no transformation of CGCS2000's in the database the direct search can only end in the
    // ballpark operation; made by halves it costs no search between the datums.
    if (auto ballpark = ballpark_by_halves(c, source.get(), target.get())) {
        if (made_by_halves)
            *made_by_halves = true;
        return ballpark;
    }
    const ObjectPtr best = first_direct_operation(c, source.get(), target.get());
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
