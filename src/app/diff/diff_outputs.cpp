#include "diff/diff_outputs.h"

#include "atomic_file.h"
#include "catalogue.h"
#include "common/output_project.h"
#include "error.h"
#include "gdal_error.h"
#include "geopackage_writer.h"
#include "report_csv.h"
#include "report_json.h"
#include "text.h"

#include <set>

namespace redline {

namespace {

void figures_json(JsonWriter& j, const DiffFigures& d)
{
    j.begin_object();
    j.field("id", d.id);
    j.field("name", d.name);
    j.field("old_m2", d.old_m2, 2);
    j.field("new_m2", d.new_m2, 2);
    j.field("gained_m2", d.gained_m2, 2);
    j.field("lost_m2", d.lost_m2, 2);
    j.field("unchanged_m2", d.unchanged_m2, 2);
    j.field("net_m2", d.net_m2(), 2);
    j.field("area_does_not_decrease", d.net_m2() >= -1.0);
    j.end_object();
}

std::string diff_json(const DiffResult& r)
{
    JsonWriter j;
    j.begin_object();
    j.field("tool", "redline " + r.version);
    j.field("command", "diff");
    j.field("area_method", r.area_method);
    j.key("total");
    figures_json(j, r.total);
    j.key("zones").begin_array();
    for (const auto& z : r.zones)
        figures_json(j, z);
    j.end_array();
    j.key("area_by_type").begin_array();
    for (const auto& kv : r.area_by_type) {
        j.begin_object();
        j.field("type", kv.first);
        j.field("old_m2", kv.second.first, 2);
        j.field("new_m2", kv.second.second, 2);
        j.end_object();
    }
    j.end_array();
    j.key("type_changes").begin_array();
    for (const auto& t : r.type_changes) {
        j.begin_object();
        j.field("old_type", t.old_type);
        j.field("new_type", t.new_type);
        j.field("area_m2", t.area_m2, 2);
        j.end_object();
    }
    j.end_array();
    j.key("warnings").begin_array();
    for (const auto& w : r.warnings)
        j.value(w);
    j.end_array();
    j.field("exit_status", r.exit_status());
    j.end_object();
    return j.str();
}

/// The total first, then one row per zone.
CsvTable diff_csv(const DiffResult& r)
{
    CsvTable t;
    t.columns = { "unit", "name", "old_m2", "new_m2", "gained_m2", "lost_m2", "unchanged_m2", "net_m2",
                  "area_does_not_decrease" };
    auto row = [&](const DiffFigures& d) {
        t.rows.push_back({ d.id, d.name, fixed(d.old_m2, 2), fixed(d.new_m2, 2), fixed(d.gained_m2, 2),
                           fixed(d.lost_m2, 2), fixed(d.unchanged_m2, 2), fixed(d.net_m2(), 2),
                           d.net_m2() >= -1.0 ? "yes" : "no" });
    };
    row(r.total);
    for (const auto& z : r.zones)
        row(z);
    return t;
}

/// The gained, lost, unchanged and type-changed parts, then the QGIS project beside them.
void write_diff_geopackage(const DiffResult& r, const DiffOptions& options, const GeosContext& ctx)
{
    using T = OutputField::Type;
    const Catalogue catalogue;
    GeoPackageWriter gpkg(options.out_gpkg, "--out", ctx, *r.working_srs, *r.output_srs);
    auto parts_layer = [&](const char* name, const char* description, const MeasuredParts& parts) {
        std::vector<OutputFeature> features;
        for (std::size_t i = 0; i < parts.parts.size(); ++i)
            features.push_back(OutputFeature{ parts.parts[i].get(),
                                              { std::int64_t(i + 1), parts.areas[i], parts.areas[i] / 1e4 } });
        gpkg.write_layer(name, description, { { "part_id", T::integer }, { "area_m2", T::real }, { "area_ha", T::real } },
                         features, catalogue.style(name));
    };
    parts_layer("diff_gained", "Red line added by the adjustment (new minus old)", r.gained);
    parts_layer("diff_lost", "Red line removed by the adjustment (old minus new)", r.lost);
    parts_layer("diff_unchanged", "Red line in both versions", r.unchanged);
    std::vector<OutputFeature> changed;
    for (const auto& t : r.type_changes)
        changed.push_back(OutputFeature{ t.geometry.get(), { t.old_type, t.new_type, t.area_m2 } });
    gpkg.write_layer("diff_type_changed", "Red line whose type changed between the versions",
                     { { "old_type", T::text }, { "new_type", T::text }, { "area_m2", T::real } }, changed,
                     catalogue.style("diff_type_changed"));
    gpkg.commit();
    Box extent;
    for (const auto* parts : { &r.gained, &r.lost, &r.unchanged })
        for (const Box& b : parts->bounds)
            extent.expand(b);
    auto layer = [&](const char* name, const char* title) {
        return ProjectLayer{ name, title, "", catalogue.style(name), true };
    };
    write_output_project(options.out_gpkg, "生态保护红线调整前后对比 (redline diff)",
                         { layer("diff_type_changed", "性质改变 (diff_type_changed)"),
                           layer("diff_lost", "调出 (diff_lost)"), layer("diff_gained", "调入 (diff_gained)"),
                           layer("diff_unchanged", "保留 (diff_unchanged)") },
                         *r.output_srs, *r.working_srs, extent);
}

} // namespace

void write_diff_outputs(const DiffResult& r, const DiffOptions& options, const GeosContext& ctx)
{
    OutputSet outputs; // JSON, CSV, GeoPackage and project are put in place together
    if (!options.json_path.empty())
        write_file_atomically(options.json_path, diff_json(r), "--json");
    if (!options.csv_path.empty())
        write_csv(diff_csv(r), options.csv_path, "--csv");
    if (!options.out_gpkg.empty())
        write_diff_geopackage(r, options, ctx);
    outputs.commit();
}

} // namespace redline
