#include "diff/diff_job.h"

#include "area_meter.h"
#include "atomic_file.h"
#include "catalogue.h"
#include "error.h"
#include "gdal_error.h"
#include "geopackage_writer.h"
#include "common/output_project.h"
#include "polygon_ops.h"
#include "report_csv.h"
#include "report_json.h"
#include "text.h"

#include <set>

namespace redline {

int DiffResult::exit_status() const
{
    // 面积不减少、性质不改变: a net loss of area, or area that changed type, misses the rule.
    // A loss below a square metre is rounding in the two layers' boundaries, not a loss.
    return total.net_m2() < -1.0 || !type_changes.empty() ? 1 : 0;
}

namespace {

struct Loaded
{
    PolygonLayer layer;
    std::unique_ptr<VectorSource> source;
};

Loaded load(const VectorSpec& spec, const char* role, const OGRSpatialReference* working, const GeosContext& ctx,
            const AreaMeter* meter, const std::string& type_field, std::vector<std::string>& warnings)
{
    Loaded l;
    VectorSpec s = spec;
    const Catalogue catalogue;
    const Catalogue::Schema schema = catalogue.schema("redline");
    if (s.id_candidates.empty())
        s.id_candidates = schema.id;
    if (s.name_candidates.empty())
        s.name_candidates = schema.name;
    if (!type_field.empty() && std::string(role) != "boundary" && std::string(role) != "zones")
        s.code_field = type_field;
    l.source = std::make_unique<VectorSource>(s);
    if (working && meter) {
        l.layer = l.source->read(*working, ctx, role);
        for (const auto& w : l.source->warnings())
            warnings.push_back(w);
        const std::size_t repaired = repair_invalid(ctx, *meter, l.layer);
        if (repaired)
            warnings.push_back(s.option + " " + l.source->source_label() + ": " + std::to_string(repaired) +
                               " invalid geometr" + (repaired == 1 ? "y" : "ies") + " repaired with GEOS MakeValid");
    }
    return l;
}

MeasuredParts as_parts(const GeosContext& ctx, const AreaMeter& meter, const GEOSGeometry* g)
{
    MeasuredParts parts;
    for (auto& p : polygon_parts(ctx, g)) {
        const double a = meter.geodesic(ctx, p.get());
        parts.add(std::move(p), a, ctx);
    }
    return parts;
}

/// Output paths checked before the work: a bad one is the user's input (exit status 2).
void check_diff_outputs(const DiffOptions& options)
{
    for (const auto* out : { &options.out_gpkg, &options.json_path, &options.csv_path })
        if (!out->empty())
            check_output_path(*out, out == &options.out_gpkg ? "--out" : out == &options.json_path ? "--json" : "--csv");
    if (!options.out_gpkg.empty())
        check_geopackage_name(options.out_gpkg, "--out");
}

/// The comparison's figures within each zone.
std::vector<DiffFigures> zone_figures(const Loaded& zones, const GeosContext& ctx, const AreaMeter& meter,
                                      const GEOSGeometry* old_u, const GEOSGeometry* new_u, const DiffResult& r)
{
    const MeasuredParts old_parts = as_parts(ctx, meter, old_u);
    const MeasuredParts new_parts = as_parts(ctx, meter, new_u);
    std::vector<DiffFigures> out;
    for (const auto& f : zones.layer.features) {
        DiffFigures d;
        d.id = f.id;
        d.name = f.name;
        d.old_m2 = area_within(ctx, meter, old_parts, f.geometry.get());
        d.new_m2 = area_within(ctx, meter, new_parts, f.geometry.get());
        d.gained_m2 = area_within(ctx, meter, r.gained, f.geometry.get());
        d.lost_m2 = area_within(ctx, meter, r.lost, f.geometry.get());
        d.unchanged_m2 = area_within(ctx, meter, r.unchanged, f.geometry.get());
        out.push_back(d);
    }
    return out;
}

/// A version dissolved by red-line type (within the area of interest when there is one).
std::map<std::string, GeomPtr> dissolved_by_type(const PolygonLayer& layer, const GeosContext& ctx,
                                                 const GEOSGeometry* area_of_interest)
{
    std::map<std::string, std::vector<const GEOSGeometry*>> groups;
    for (const auto& f : layer.features)
        groups[f.code].push_back(f.geometry.get());
    std::map<std::string, GeomPtr> out;
    for (auto& kv : groups) {
        GeomPtr g = union_all(ctx, kv.second);
        if (area_of_interest)
            g = intersection(ctx, g.get(), area_of_interest);
        out.emplace(kv.first, std::move(g));
    }
    return out;
}

/// Each version's area by type, and every old type intersected with every other new one
/// ("性质不改变": the area whose type changed).
void compare_types(const PolygonLayer& old_layer, const PolygonLayer& new_layer, const GeosContext& ctx,
                   const AreaMeter& meter, const GEOSGeometry* area_of_interest, DiffResult& r)
{
    const auto old_types = dissolved_by_type(old_layer, ctx, area_of_interest);
    const auto new_types = dissolved_by_type(new_layer, ctx, area_of_interest);
    for (const auto& kv : old_types)
        r.area_by_type[kv.first].first = meter.geodesic(ctx, kv.second.get());
    for (const auto& kv : new_types)
        r.area_by_type[kv.first].second = meter.geodesic(ctx, kv.second.get());
    for (const auto& o : old_types)
        for (const auto& n : new_types) {
            if (o.first == n.first)
                continue;
            GeomPtr changed = intersection(ctx, o.second.get(), n.second.get());
            const double a = meter.geodesic(ctx, changed.get());
            if (a > 1.0) // shared boundaries of neighbouring types are not a change
                r.type_changes.push_back(TypeChange{ o.first, n.first, a, std::move(changed) });
        }
}

} // namespace

DiffResult run_diff(const DiffOptions& options, const GeosContext& ctx, const ProgressFn& progress)
{
    gdal_init();
    auto step = [&](double f, const std::string& what) {
        if (progress && !progress(f, what))
            throw Cancelled();
    };
    DiffResult r;
    r.version = REDLINE_VERSION;
    check_diff_outputs(options);

    step(0.02, "reading the two versions");
    // The working CRS: longitude/latitude on the old version's datum.
    Loaded probe = load(options.old_layer, "old", nullptr, ctx, nullptr, "", r.warnings);
    const SrsPtr working = geographic_of(probe.source->srs());
    r.ellipsoid = ellipsoid_of(*working);
    const AreaMeter meter(r.ellipsoid);
    r.working_srs = clone_srs(*working);
    r.output_srs = clone_srs(probe.source->srs());
    r.area_method = "geodesic area (Karney 2013, PROJ geod_polygonarea) on the " + r.ellipsoid.name +
                    " ellipsoid in " + label(*working);
    Loaded old_v = load(options.old_layer, "old", working.get(), ctx, &meter, options.type_field, r.warnings);
    Loaded new_v = load(options.new_layer, "new", working.get(), ctx, &meter, options.type_field, r.warnings);
    if (old_v.layer.features.empty())
        throw InputError(options.old_layer.option + " " + old_v.source->source_label() + ": no polygon features");
    if (new_v.layer.features.empty())
        throw InputError(options.new_layer.option + " " + new_v.source->source_label() + ": no polygon features");

    step(0.2, "dissolving both versions");
    GeomPtr old_u = union_all(ctx, geometries_of(old_v.layer));
    GeomPtr new_u = union_all(ctx, geometries_of(new_v.layer));
    GeomPtr area_of_interest;
    if (options.boundary) {
        Loaded b = load(*options.boundary, "boundary", working.get(), ctx, &meter, "", r.warnings);
        area_of_interest = union_all(ctx, geometries_of(b.layer));
        old_u = intersection(ctx, old_u.get(), area_of_interest.get());
        new_u = intersection(ctx, new_u.get(), area_of_interest.get());
    }

    step(0.5, "comparing the versions");
    GeomPtr gained = difference(ctx, new_u.get(), old_u.get());
    GeomPtr lost = difference(ctx, old_u.get(), new_u.get());
    GeomPtr kept = intersection(ctx, old_u.get(), new_u.get());
    r.gained = as_parts(ctx, meter, gained.get());
    r.lost = as_parts(ctx, meter, lost.get());
    r.unchanged = as_parts(ctx, meter, kept.get());
    r.total.id = "total";
    r.total.old_m2 = meter.geodesic(ctx, old_u.get());
    r.total.new_m2 = meter.geodesic(ctx, new_u.get());
    r.total.gained_m2 = r.gained.total();
    r.total.lost_m2 = r.lost.total();
    r.total.unchanged_m2 = r.unchanged.total();

    if (options.zones) {
        const Loaded z = load(*options.zones, "zones", working.get(), ctx, &meter, "", r.warnings);
        r.zones = zone_figures(z, ctx, meter, old_u.get(), new_u.get(), r);
    }
    if (!options.type_field.empty()) {
        step(0.7, "comparing red-line types");
        compare_types(old_v.layer, new_v.layer, ctx, meter, area_of_interest.get(), r);
    }
    if (r.total.net_m2() < -1.0)
        r.warnings.push_back("the red line lost " + fixed(-r.total.net_m2() / 1e6, 4) +
                             " km² (面积减少): an adjustment may not reduce its area");
    step(1.0, "done");
    return r;
}

} // namespace redline
