#include "coverage/coverage_outputs.h"
#include "common/stage_timeline.h"

#include "atomic_file.h"
#include "catalogue.h"
#include "crs.h"
#include "geopackage_writer.h"
#include "common/output_project.h"
#include "polygon_ops.h"
#include "report_csv.h"
#include "report_json.h"
#include "text.h"

#include <cmath>

namespace redline {

namespace {

constexpr int area_decimals = 2;  // m²: a hundredth of a square metre
constexpr int share_decimals = 6; // percent: a millionth of a point

std::string kind_name(const FigureCheck& c)
{
    return c.kind == FigureCheck::Kind::floor ? "target" : "verify";
}

void share_json(JsonWriter& j, const std::string& key, const ShareFigure& f)
{
    j.key(key).begin_object();
    j.field("area_m2", f.area_m2, area_decimals);
    j.field("share_pct", f.share_pct, share_decimals);
    if (f.survey_area_m2)
        j.field("survey_area_m2", *f.survey_area_m2, area_decimals);
}

std::string class_name(const CoverageResult& r, const std::string& code)
{
    if (!r.class_table)
        return "";
    const ClassEntry* e = r.class_table->find(code);
    if (!e)
        return "";
    return e->name_zh.empty() ? e->name_en : e->name_en + " / " + e->name_zh;
}

void unit_json(JsonWriter& j, const CoverageResult& r, const UnitResult& u)
{
    j.begin_object();
    j.field("id", u.id);
    j.field("name", u.name);
    j.field("area_m2", u.area_m2, area_decimals);
    j.field("area_km2", u.area_m2 / 1e6, 6);
    if (u.survey_area_m2)
        j.field("survey_area_m2", *u.survey_area_m2, area_decimals);
    if (u.redline) {
        share_json(j, "redline", *u.redline);
        j.end_object();
    }
    if (u.protected_areas) {
        share_json(j, "protected", *u.protected_areas);
        j.end_object();
    }
    if (u.forest) {
        const ForestFigure& f = *u.forest;
        share_json(j, "forest", f);
        j.field("source", f.source);
        j.field("share_of_valid_pct", f.share_of_valid_pct, share_decimals);
        j.field("shrub_counted_m2", f.masked_counted_m2, area_decimals);
        j.field("shrub_excluded_m2", f.masked_excluded_m2, area_decimals);
        if (f.source == "landcover") {
            j.field("nodata_m2", f.nodata_m2, area_decimals);
            j.field("outside_data_m2", f.outside_data_m2, area_decimals);
            j.key("classes").begin_array();
            for (const auto& kv : f.class_areas_m2) {
                j.begin_object();
                j.field("code", kv.first);
                j.field("name", class_name(r, kv.first));
                j.field("forest", r.forest_codes.full.count(kv.first) ? "yes"
                                  : r.forest_codes.masked.count(kv.first) ? "masked" : "no");
                j.field("area_m2", kv.second, area_decimals);
                j.field("share_pct", u.area_m2 > 0 ? 100.0 * kv.second / u.area_m2 : 0.0, share_decimals);
                j.end_object();
            }
            j.end_array();
        }
        j.end_object();
        j.field("nodata_m2", f.nodata_m2, area_decimals);
    }
    j.field("status", u.status());
    j.end_object();
}

void check_json(JsonWriter& j, const UnitResult& u, const CheckResult& c, const std::map<std::string, AreaFigure>& reported)
{
    j.begin_object();
    j.field("key", c.check.key);
    j.field("kind", kind_name(c.check));
    j.field("unit", u.kind == "district" ? std::string("district") : u.id);
    j.field("target_pct", c.check.percent, std::max(c.check.decimals, 2));
    j.field("actual_pct", c.actual_pct, share_decimals);
    j.field("margin_pp", c.outcome.margin_pp, share_decimals);
    j.field("tolerance_pp", c.check.tolerance(), share_decimals);
    j.field("pass", c.outcome.pass);
    if (c.reconciliation) {
        const Reconciliation& rc = *c.reconciliation;
        j.field("denominator_m2", u.area_m2, area_decimals);
        j.field("implied_denominator_m2", rc.implied_denominator_m2, area_decimals);
        if (rc.implied_denominator_from_reported_m2)
            j.field("implied_denominator_from_reported_m2", *rc.implied_denominator_from_reported_m2, area_decimals);
        const auto rep = reported.find(c.check.key);
        if (rep != reported.end())
            j.field("reported_area_m2", rep->second.m2, area_decimals);
        j.key("explanations").begin_array();
        for (const auto& e : rc.explanations)
            j.value(e);
        j.end_array();
        j.key("variants").begin_array();
        for (const auto& v : rc.tried) {
            bool reproduces = false;
            for (const auto& rv : rc.reproducing)
                reproduces = reproduces || rv.description == v.description;
            j.begin_object();
            j.field("description", v.description);
            j.field("numerator_m2", v.numerator_m2, area_decimals);
            j.field("denominator_m2", v.denominator_m2, area_decimals);
            j.field("share_pct", v.share_pct(), share_decimals);
            j.field("reproduces", reproduces);
            j.end_object();
        }
        j.end_array();
    }
    j.end_object();
}

const PolygonFeature& feature_at(const LayerReport& r, std::size_t i)
{
    return r.layer.features[i];
}

void layer_json(JsonWriter& j, const LayerReport& r, const GeosContext& ctx, const AreaMeter& meter)
{
    j.key(r.role).begin_object();
    j.field("source", r.source);
    j.field("crs", r.crs);
    if (!r.encoding.empty())
        j.field("encoding", r.encoding);
    j.field("features", r.features);
    j.field("invalid_repaired", r.repaired);
    j.key("repaired").begin_array();
    for (const auto& f : r.layer.features) {
        if (!f.repaired)
            continue;
        j.begin_object();
        j.field("fid", std::int64_t(f.fid));
        j.field("id", f.id);
        j.field("reason", f.invalid_reason);
        j.field("area_as_drawn_m2", f.area_as_drawn_m2, area_decimals);
        j.field("area_repaired_m2", meter.geodesic(ctx, f.geometry.get()), area_decimals);
        j.end_object();
    }
    j.end_array();
    if (r.figures) {
        const LayerFigures& f = *r.figures;
        j.field("sum_of_parts_m2", f.sum_of_parts_m2, area_decimals);
        j.field("clipped_parts_m2", f.clipped_parts_m2, area_decimals);
        j.field("dissolved_m2", f.dissolved_m2, area_decimals);
        j.field("inside_m2", f.inside_m2, area_decimals);
        j.field("outside_m2", f.outside_m2, area_decimals);
        j.field("overlap_m2", f.overlap_m2, area_decimals);
        j.key("overlaps").begin_array();
        for (const auto& o : f.overlaps) {
            j.begin_object();
            j.field("fid_a", std::int64_t(feature_at(r, o.a).fid));
            j.field("fid_b", std::int64_t(feature_at(r, o.b).fid));
            j.field("id_a", feature_at(r, o.a).id);
            j.field("id_b", feature_at(r, o.b).id);
            j.field("area_m2", meter.geodesic(ctx, o.geometry.get()), area_decimals);
            j.end_object();
        }
        j.end_array();
    }
    if (r.area_check) {
        const AreaFieldCheck& a = *r.area_check;
        j.key("area_field").begin_object();
        j.field("field", r.area_field);
        j.field("compared", a.compared);
        j.field("tolerance_relative", a.tolerance_relative, 6);
        j.field("attribute_sum_m2", a.attribute_sum_m2, area_decimals);
        j.field("measured_sum_m2", a.measured_sum_m2, area_decimals);
        j.field("difference_m2", a.attribute_sum_m2 - a.measured_sum_m2, area_decimals);
        j.key("mismatches").begin_array();
        for (const auto& m : a.mismatches) {
            j.begin_object();
            j.field("fid", std::int64_t(feature_at(r, m.feature).fid));
            j.field("id", feature_at(r, m.feature).id);
            j.field("attribute_m2", m.attribute_m2, area_decimals);
            j.field("measured_m2", m.measured_m2, area_decimals);
            j.field("likely_cause", m.likely_cause);
            j.end_object();
        }
        j.end_array();
        j.end_object();
    }
    j.end_object();
}

/// The red line's and the protected areas' totals, the ways of counting that explain a mismatch:
/// overlaps, parts outside, the sum of the parts, dissolved, and the area attributes' sum.
void layer_totals_json(JsonWriter& j, const CoverageResult& r)
{
    for (const char* role : { "redline", "protected" }) {
        const auto it = r.layers.find(role);
        if (it == r.layers.end() || !it->second.figures)
            continue;
        const LayerFigures& f = *it->second.figures;
        const std::string k = role;
        j.field(k + "_overlap_m2", f.overlap_m2, area_decimals);
        j.field(k + "_outside_m2", f.outside_m2, area_decimals);
        j.field(k + "_sum_of_parts_m2", f.sum_of_parts_m2, area_decimals);
        j.field(k + "_dissolved_m2", f.dissolved_m2, area_decimals);
        if (it->second.area_check) {
            j.field(k + "_attribute_sum_m2", it->second.area_check->attribute_sum_m2, area_decimals);
            j.field(k + "_area_mismatches", it->second.area_check->mismatches.size());
        }
    }
}

void landcover_json(JsonWriter& j, const RasterReport& rr)
{
    j.key("landcover").begin_object();
    j.field("path", rr.path);
    j.field("band", rr.band);
    j.field("crs", rr.crs);
    j.field("data_type", rr.data_type);
    j.field("cols", rr.cols);
    j.field("rows", rr.rows);
    j.field("cell_dx", rr.cell_dx, 9);
    j.field("cell_dy", rr.cell_dy, 9);
    if (rr.nodata)
        j.field("nodata", std::int64_t(*rr.nodata));
    else
        j.key("nodata").null();
    j.field("class_table", rr.table);
    j.field("cell_area_method", rr.cell_area_method);
    j.field("coverage_method", std::string("exact fraction of each cell inside each unit"));
    j.field("windows_read", rr.windows_read);
    j.end_object();
}

/// The "qa" object: everything that says how far the inputs can be trusted and how they were read.
void qa_json(JsonWriter& j, const CoverageResult& r, const GeosContext& ctx, const AreaMeter& meter)
{
    j.key("qa").begin_object();
    std::size_t repaired = 0;
    for (const auto& kv : r.layers)
        repaired += kv.second.repaired;
    layer_totals_json(j, r);
    j.field("invalid_repaired", repaired);
    if (r.zones_qa) {
        j.key("zones").begin_object();
        j.field("gap_m2", r.zones_qa->gap_m2, area_decimals);
        j.field("overlap_m2", r.zones_qa->overlap_m2, area_decimals);
        j.field("outside_m2", r.zones_qa->outside_m2, area_decimals);
        j.end_object();
    }
    j.key("layers").begin_object();
    for (const auto& kv : r.layers)
        layer_json(j, kv.second, ctx, meter);
    j.end_object();
    if (r.raster)
        landcover_json(j, *r.raster);
    if (!r.forest_codes.empty()) {
        j.key("forest_classes").begin_object();
        j.key("counted").begin_array();
        for (const auto& c : r.forest_codes.full)
            j.value(c);
        j.end_array();
        j.key("shrub_masked").begin_array();
        for (const auto& c : r.forest_codes.masked)
            j.value(c);
        j.end_array();
        j.end_object();
    }
    j.key("warnings").begin_array();
    for (const auto& w : r.warnings)
        j.value(w);
    j.end_array();
    j.end_object();
}

} // namespace

std::string coverage_json(const CoverageResult& r, const GeosContext& ctx)
{
    const AreaMeter meter(r.ellipsoid);
    JsonWriter j;
    j.begin_object();
    j.field("tool", "redline " + r.version);
    j.field("command", "coverage");
    j.field("area_method", r.area_method);
    j.key("ellipsoid").begin_object();
    j.field("name", r.ellipsoid.name);
    j.field("a", r.ellipsoid.a, 3);
    j.field("inverse_flattening", 1.0 / r.ellipsoid.f, 9);
    j.end_object();
    j.field("working_crs", r.working_crs);
    j.field("output_crs", r.output_crs);
    j.key("district");
    unit_json(j, r, r.district);
    j.key("zones").begin_array();
    for (const auto& z : r.zones)
        unit_json(j, r, z);
    j.end_array();
    j.key("targets").begin_array();
    for (const auto& c : r.district.checks)
        check_json(j, r.district, c, r.reported_areas);
    j.end_array();
    j.key("zone_targets").begin_array();
    for (const auto& z : r.zones)
        for (const auto& c : z.checks)
            check_json(j, z, c, r.reported_areas);
    j.end_array();
    if (!r.reported_areas.empty()) {
        j.key("reported_areas_m2").begin_object();
        for (const auto& kv : r.reported_areas)
            j.field(kv.first, kv.second.m2, area_decimals);
        j.end_object();
    }

    qa_json(j, r, ctx, meter);

    const std::string status = r.district.status();
    j.field("status", status.empty() ? "no targets" : status);
    j.field("exit_status", r.exit_status());
    j.end_object();
    return j.str();
}

namespace {

CsvTable coverage_csv(const CoverageResult& r)
{
    CsvTable t;
    t.columns = { "unit_kind", "unit_id", "unit_name", "area_m2", "area_km2", "redline_m2", "redline_pct",
                  "protected_m2", "protected_pct", "forest_m2", "forest_pct", "forest_nodata_m2",
                  "forest_outside_data_m2", "status" };
    for (const auto& c : r.district.checks) {
        const std::string prefix = kind_name(c.check) + "_" + c.check.key;
        t.columns.push_back(prefix + "_pct");
        t.columns.push_back(prefix + "_margin_pp");
        t.columns.push_back(prefix + "_pass");
    }
    auto row = [&](const UnitResult& u) {
        std::vector<std::string> cells{ u.kind, u.id, u.name, fixed(u.area_m2, area_decimals), fixed(u.area_m2 / 1e6, 6) };
        auto share = [&](const ShareFigure* f) {
            cells.push_back(f ? fixed(f->area_m2, area_decimals) : "");
            cells.push_back(f ? fixed(f->share_pct, share_decimals) : "");
        };
        share(u.redline ? &*u.redline : nullptr);
        share(u.protected_areas ? &*u.protected_areas : nullptr);
        share(u.forest ? &*u.forest : nullptr);
        cells.push_back(u.forest ? fixed(u.forest->nodata_m2, area_decimals) : "");
        cells.push_back(u.forest ? fixed(u.forest->outside_data_m2, area_decimals) : "");
        cells.push_back(u.status());
        for (const auto& c : u.checks) {
            cells.push_back(fixed(c.check.percent, std::max(c.check.decimals, 2)));
            cells.push_back(fixed(c.outcome.margin_pp, share_decimals));
            cells.push_back(c.outcome.pass ? "pass" : "fail");
        }
        t.rows.push_back(cells);
    };
    row(r.district);
    for (const auto& z : r.zones)
        row(z);
    return t;
}

std::vector<OutputField> unit_fields()
{
    using T = OutputField::Type;
    return { { "unit_id", T::text },      { "unit_name", T::text },     { "area_m2", T::real },
             { "area_km2", T::real },     { "redline_m2", T::real },    { "redline_pct", T::real },
             { "protected_m2", T::real }, { "protected_pct", T::real }, { "forest_m2", T::real },
             { "forest_pct", T::real },   { "nodata_m2", T::real },     { "status", T::text } };
}

OutputFeature unit_feature(const UnitResult& u)
{
    OutputFeature f;
    f.geometry = u.geometry.get();
    auto opt = [](const ShareFigure* s, bool pct) -> FieldValue {
        if (!s)
            return std::monostate{};
        return pct ? s->share_pct : s->area_m2;
    };
    const ShareFigure* rl = u.redline ? &*u.redline : nullptr;
    const ShareFigure* pa = u.protected_areas ? &*u.protected_areas : nullptr;
    const ShareFigure* fo = u.forest ? &*u.forest : nullptr;
    f.values = { u.id,
                 u.name,
                 u.area_m2,
                 u.area_m2 / 1e6,
                 opt(rl, false),
                 opt(rl, true),
                 opt(pa, false),
                 opt(pa, true),
                 opt(fo, false),
                 opt(fo, true),
                 u.forest ? FieldValue(u.forest->nodata_m2) : FieldValue(std::monostate{}),
                 u.status() };
    return f;
}

void write_parts(GeoPackageWriter& gpkg, const Catalogue& catalogue, const GeosContext& ctx, const AreaMeter& meter,
                 const std::string& name, const std::string& description, const GEOSGeometry* geometry)
{
    using T = OutputField::Type;
    std::vector<GeomPtr> parts;
    if (geometry)
        parts = polygon_parts(ctx, geometry);
    std::vector<OutputFeature> features;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const double a = meter.geodesic(ctx, parts[i].get());
        features.push_back(OutputFeature{ parts[i].get(), { std::int64_t(i + 1), a, a / 1e4 } });
    }
    gpkg.write_layer(name, description, { { "part_id", T::integer }, { "area_m2", T::real }, { "area_ha", T::real } },
                     features, catalogue.style(name));
}

const LayerFigures* layer_figures(const CoverageResult& r, const char* role)
{
    const auto it = r.layers.find(role);
    return it == r.layers.end() || !it->second.figures ? nullptr : &*it->second.figures;
}

/// The district and its zones, each with its shares.
void write_units(GeoPackageWriter& gpkg, const Catalogue& catalogue, const CoverageResult& r)
{
    gpkg.write_layer("district", "The district (union of the boundary layer) and its shares", unit_fields(),
                     { unit_feature(r.district) }, catalogue.style("district"));
    std::vector<OutputFeature> zones;
    for (const auto& z : r.zones)
        zones.push_back(unit_feature(z));
    gpkg.write_layer("zones", "Zones clipped to the district, with their shares", unit_fields(), zones,
                     catalogue.style("zones"));
}

/// The red line, the protected areas and the land-use forest as measured: dissolved, inside the district.
void write_measured_layers(GeoPackageWriter& gpkg, const Catalogue& catalogue, const GeosContext& ctx,
                           const AreaMeter& meter, const CoverageResult& r)
{
    const LayerFigures* red = layer_figures(r, "redline");
    const LayerFigures* pro = layer_figures(r, "protected");
    const GeomPtr red_inside = red ? red->inside_parts.collect(ctx) : nullptr;
    const GeomPtr pro_inside = pro ? pro->inside_parts.collect(ctx) : nullptr;
    write_parts(gpkg, catalogue, ctx, meter, "redline", "Ecological protection red line, dissolved, inside the district",
                red_inside.get());
    write_parts(gpkg, catalogue, ctx, meter, "protected", "Protected areas, dissolved, inside the district",
                pro_inside.get());
    write_parts(gpkg, catalogue, ctx, meter, "forest", "Forest land from the land-use layer, inside the district",
                r.forest_geometry.get());
}

/// @brief The features of the input-QA layers: what explains a published figure that does not hold.
struct QaFeatures
{
    std::vector<OutputFeature> outside, overlaps, repaired, mismatches;
    std::vector<GeomPtr> outside_geometries; ///< owns what `outside` points to
};

QaFeatures qa_features(const CoverageResult& r, const GeosContext& ctx, const AreaMeter& meter)
{
    QaFeatures qa;
    for (const char* role : { "redline", "protected" }) {
        const LayerFigures* f = layer_figures(r, role);
        if (!f)
            continue;
        const LayerReport& lr = r.layers.at(role);
        qa.outside_geometries.push_back(f->outside_parts.collect(ctx));
        const GEOSGeometry* out = qa.outside_geometries.back().get();
        if (!GEOSisEmpty_r(ctx.handle(), out))
            qa.outside.push_back(OutputFeature{ out, { std::string(role), meter.geodesic(ctx, out) } });
        for (const auto& o : f->overlaps) {
            const PolygonFeature& a = lr.layer.features[o.a];
            const PolygonFeature& b = lr.layer.features[o.b];
            qa.overlaps.push_back(OutputFeature{ o.geometry.get(),
                                                 { std::string(role), std::int64_t(a.fid), std::int64_t(b.fid), a.id,
                                                   b.id, meter.geodesic(ctx, o.geometry.get()) } });
        }
    }
    for (const auto& kv : r.layers) {
        const LayerReport& lr = kv.second;
        for (const auto& f : lr.layer.features)
            if (f.repaired)
                qa.repaired.push_back(OutputFeature{ f.geometry.get(),
                                                     { lr.role, std::int64_t(f.fid), f.id, f.invalid_reason,
                                                       f.area_as_drawn_m2, meter.geodesic(ctx, f.geometry.get()) } });
        if (lr.area_check)
            for (const auto& m : lr.area_check->mismatches) {
                const PolygonFeature& f = lr.layer.features[m.feature];
                qa.mismatches.push_back(OutputFeature{ f.geometry.get(),
                                                       { lr.role, std::int64_t(f.fid), f.id, m.attribute_m2,
                                                         m.measured_m2, m.attribute_m2 - m.measured_m2,
                                                         m.measured_m2 > 0 ? m.attribute_m2 / m.measured_m2 : 0.0,
                                                         m.likely_cause } });
            }
    }
    return qa;
}

void write_qa_layers(GeoPackageWriter& gpkg, const Catalogue& catalogue, const QaFeatures& qa)
{
    using T = OutputField::Type;
    gpkg.write_layer("qa_outside", "Parts of the red line / protected areas outside the district",
                     { { "layer", T::text }, { "area_m2", T::real } }, qa.outside, catalogue.style("qa_outside"));
    gpkg.write_layer("qa_overlap", "Overlapping input polygons: area counted twice when not dissolved",
                     { { "layer", T::text }, { "fid_a", T::integer }, { "fid_b", T::integer }, { "id_a", T::text },
                       { "id_b", T::text }, { "area_m2", T::real } },
                     qa.overlaps, catalogue.style("qa_overlap"));
    gpkg.write_layer("qa_repaired", "Invalid input geometries repaired with GEOS MakeValid",
                     { { "layer", T::text }, { "src_fid", T::integer }, { "feature_id", T::text }, { "reason", T::text },
                       { "area_before_m2", T::real }, { "area_after_m2", T::real } },
                     qa.repaired, catalogue.style("qa_repaired"));
    gpkg.write_layer("qa_area_mismatch", "Features whose area attribute disagrees with the measured area",
                     { { "layer", T::text }, { "src_fid", T::integer }, { "feature_id", T::text },
                       { "attribute_m2", T::real }, { "measured_m2", T::real }, { "difference_m2", T::real },
                       { "ratio", T::real }, { "likely_cause", T::text } },
                     qa.mismatches, catalogue.style("qa_area_mismatch"));
}

/// Where the zones fail to tile the district: gaps, overlaps, parts outside.
void write_zone_qa_layer(GeoPackageWriter& gpkg, const Catalogue& catalogue, const GeosContext& ctx,
                         const CoverageResult& r)
{
    using T = OutputField::Type;
    std::vector<OutputFeature> zone_qa;
    if (r.zones_qa) {
        const ZonesQa& q = *r.zones_qa;
        const struct
        {
            const char* kind;
            const GEOSGeometry* g;
            double area;
        } parts[] = { { "gap", q.gaps.get(), q.gap_m2 },
                      { "overlap", q.overlaps.get(), q.overlap_m2 },
                      { "outside", q.outside.get(), q.outside_m2 } };
        for (const auto& p : parts)
            if (p.g && !GEOSisEmpty_r(ctx.handle(), p.g))
                zone_qa.push_back(OutputFeature{ p.g, { std::string(p.kind), p.area } });
    }
    gpkg.write_layer("qa_zones", "Where the zones fail to tile the district", { { "kind", T::text }, { "area_m2", T::real } },
                     zone_qa, catalogue.style("qa_zones"));
}

/// The project opens on the results; the QA layers sit on top, hidden until ticked, except
/// those that hold something to look at.
void write_coverage_project(const CoverageResult& r, const CoverageOptions& options, const GeosContext& ctx,
                            const Catalogue& catalogue, const QaFeatures& qa)
{
    auto layer = [&](const char* name, const char* title, const char* group, bool visible) {
        return ProjectLayer{ name, title, group, catalogue.style(name), visible };
    };
    const std::string group_qa = "质检 (QA)", results = "结果 (results)";
    std::vector<ProjectLayer> layers{
        layer("qa_repaired", "质检：已修复几何 (qa_repaired)", group_qa.c_str(), !qa.repaired.empty()),
        layer("qa_area_mismatch", "质检：面积属性不符 (qa_area_mismatch)", group_qa.c_str(), !qa.mismatches.empty()),
        layer("qa_overlap", "质检：要素重叠 (qa_overlap)", group_qa.c_str(), false),
        layer("qa_outside", "质检：区界外部分 (qa_outside)", group_qa.c_str(), false),
        layer("qa_zones", "质检：乡镇缝隙/重叠/出界 (qa_zones)", group_qa.c_str(), false),
        layer("district", "区界 (district)", results.c_str(), true),
        layer("protected", "自然保护地 (protected)", results.c_str(), layer_figures(r, "protected") != nullptr),
        layer("redline", "生态保护红线 (redline)", results.c_str(), layer_figures(r, "redline") != nullptr),
        layer("forest", "森林 (forest)", results.c_str(), r.forest_geometry != nullptr),
        layer("zones", "乡镇：生态保护红线占比 (zones)", results.c_str(), !r.zones.empty()),
    };
    const std::string name = r.district.name.empty() ? r.district.id : r.district.name;
    write_output_project(options.out_gpkg, name + " 生态保护红线与森林覆盖核算 (redline coverage)", layers,
                         *r.output_srs, *r.working_srs, bounds(ctx, r.district.geometry.get()));
}

/// The GeoPackage, layer by layer in a fixed order, then the QGIS project beside it.
void write_coverage_geopackage(const CoverageResult& r, const CoverageOptions& options, const GeosContext& ctx)
{
    const Catalogue catalogue;
    const AreaMeter meter(r.ellipsoid);
    GeoPackageWriter gpkg(options.out_gpkg, "--out", ctx, *r.working_srs, *r.output_srs);
    write_units(gpkg, catalogue, r);
    write_measured_layers(gpkg, catalogue, ctx, meter, r);
    const QaFeatures qa = qa_features(r, ctx, meter);
    write_qa_layers(gpkg, catalogue, qa);
    write_zone_qa_layer(gpkg, catalogue, ctx, r);
    gpkg.commit();
    write_coverage_project(r, options, ctx, catalogue, qa);
}

} // namespace

void write_coverage_outputs(const CoverageResult& r, const CoverageOptions& options, const GeosContext& ctx)
{
    OutputSet outputs; // JSON, CSV, GeoPackage and project are put in place together
    if (!options.json_path.empty()) {
        TimedStage stage("output: JSON");
        write_file_atomically(options.json_path, coverage_json(r, ctx), "--json");
    }
    if (!options.csv_path.empty()) {
        TimedStage stage("output: CSV");
        write_csv(coverage_csv(r), options.csv_path, "--csv");
    }
    if (!options.out_gpkg.empty()) {
        TimedStage stage("output: GeoPackage, QGIS project, styles");
        write_coverage_geopackage(r, options, ctx);
    }
    outputs.commit();
}

} // namespace redline
