// `redline coverage`: turns options into CoverageOptions, runs the job, prints a summary.
#include "area_unit.h"
#include "commands.h"
#include "coverage/coverage_job.h"
#include "coverage/coverage_outputs.h"
#include "error.h"
#include "option_helpers.h"
#include "common/stage_timeline.h"
#include "text.h"

#include <cstdio>
#include <iostream>

namespace redline::cli {

namespace {

const char* const usage = R"(redline coverage: verify a district's red-line, protected-area and forest shares

Usage: redline coverage --boundary DISTRICT [--zones TOWNSHIPS --zone-id FIELD]
                        [--redline LAYER] [--protected LAYER]
                        [--landcover RASTER --forest-classes LIST|TABLE | --landuse LAYER --forest-codes LIST|TABLE]
                        [--target KEY=PCT]... [--verify KEY=PCT]... [--out OUT.gpkg] [--json FILE] [--csv FILE]

Every share is an ellipsoidal area (PROJ's geodesic routines on the boundary's datum, e.g. CGCS2000)
divided by the unit's full ellipsoidal area. Overlapping polygons are dissolved before measuring,
parts outside the district clipped, invalid geometries repaired (and reported); raster cells count
by the exact fraction of each cell inside each unit, times the cell's ellipsoidal area.

Exit status: 0 every --target/--verify holds for the district, 1 one misses, 2 bad input (output
paths included: checked before the work), 3 an output could not be written, 4 out of memory,
5 internal error, 130 interrupted.

Examples:
  # Qianjiang: red line, protected areas, forest from ESA WorldCover, per township
  redline coverage --boundary district.gpkg --zones townships.gpkg --zone-id XZQDM --zone-name XZQMC \
      --redline redline.shp --protected protected.gpkg \
      --landcover worldcover.tif --landcover-table esa_worldcover \
      --target redline=25.76 --target forest=65 --target protected=17.02 \
      --out qianjiang.gpkg --json qianjiang.json --csv qianjiang.csv

  # Reconcile a published figure: 616 km² = 25.76 %. Which denominator does it imply?
  redline coverage --boundary district.gpkg --redline redline.shp --redline-area-field MJ \
      --verify redline=25.76 --reported-area redline=616km2 --reported-area district=2402km2

  # Forest from the Third National Land Survey (三调) parcels: 0301 + 0302 + designated 0305
  redline coverage --boundary district.gpkg --landuse DLTB.gdb --landuse-layer DLTB \
      --landuse-field DLBM --forest-codes gbt21010 --shrub-mask special_shrubland.gpkg \
      --target forest=65

  # One district out of a province-wide layer; options from a file
  redline coverage --boundary counties.shp --boundary-where "adcode='500114'" --config qianjiang.ini

Inputs are any GDAL/OGR source (GeoPackage, Shapefile, GeoJSON, FileGDB ...), in any CRS:
pick a layer with --X-layer NAME or PATH|layername=NAME, filter features with --X-where SQL.
Option files (--config) use the same long names, one "name = value" per line.
)";

struct LayerOptionNames
{
    std::string name;  // "boundary"
    std::string what;  // "district polygons"
};

void add_layer_options(po::options_description& d, const std::string& name, const std::string& what)
{
    d.add_options()((name).c_str(), po::value<std::string>()->value_name("SRC"), what.c_str())(
      (name + "-layer").c_str(), po::value<std::string>()->value_name("NAME"), ("layer of --" + name).c_str())(
      (name + "-where").c_str(), po::value<std::string>()->value_name("SQL"),
      ("attribute filter on --" + name + ", e.g. \"XZQDM='500114'\"").c_str());
}

std::optional<VectorSpec> layer_spec(const po::variables_map& vm, const std::string& name, const std::string& encoding)
{
    if (!vm.count(name))
        return std::nullopt;
    VectorSpec s;
    s.option = "--" + name;
    s.path = get(vm, name);
    s.layer = get(vm, name + "-layer");
    s.where = get(vm, name + "-where");
    s.encoding = encoding;
    return s;
}

} // namespace



CoverageOptions coverage_options_from(const po::variables_map& vm)
{
    CoverageOptions o;
    const std::string encoding = get(vm, "encoding");
    if (!vm.count("boundary"))
        throw InputError("--boundary is required: the district polygon layer (see redline coverage --help)");
    o.boundary = *layer_spec(vm, "boundary", encoding);
    o.boundary.id_field = get(vm, "boundary-id");
    o.boundary.name_field = get(vm, "boundary-name");
    o.zones = layer_spec(vm, "zones", encoding);
    if (o.zones) {
        o.zones->id_field = get(vm, "zone-id");
        o.zones->name_field = get(vm, "zone-name");
    } else if (vm.count("zone-id") || vm.count("zone-name")) {
        throw InputError("--zone-id/--zone-name need --zones (the zoning layer, e.g. townships)");
    }
    const double unit = AreaUnit::parse(vm.count("area-unit") ? get(vm, "area-unit") : "m2", "--area-unit").square_metres;
    o.redline = layer_spec(vm, "redline", encoding);
    o.protected_areas = layer_spec(vm, "protected", encoding);
    auto set_area_field = [&](std::optional<VectorSpec>& spec, const std::string& option) {
        const std::string field = vm.count(option) ? get(vm, option) : get(vm, "area-field");
        if (field.empty())
            return;
        if (!spec)
            throw InputError("--" + option + " needs --" + option.substr(0, option.find("-area-field")));
        spec->area_field = field;
        spec->area_unit_m2 = unit;
    };
    if (vm.count("area-field") && !o.redline && !o.protected_areas)
        throw InputError("--area-field needs --redline or --protected");
    if (vm.count("area-field") && o.redline && !vm.count("redline-area-field"))
        set_area_field(o.redline, "redline-area-field");
    else if (vm.count("redline-area-field"))
        set_area_field(o.redline, "redline-area-field");
    if (vm.count("protected-area-field"))
        set_area_field(o.protected_areas, "protected-area-field");
    if (o.redline)
        o.redline->id_field = get(vm, "redline-id");
    if (o.protected_areas)
        o.protected_areas->id_field = get(vm, "protected-id");

    o.landcover = get(vm, "landcover");
    o.landcover_band = vm["landcover-band"].as<int>();
    if (vm.count("landcover-nodata"))
        o.landcover_nodata = vm["landcover-nodata"].as<std::int32_t>();
    o.landcover_table = get(vm, "landcover-table");
    o.forest_classes = get(vm, "forest-classes");
    o.landuse = layer_spec(vm, "landuse", encoding);
    if (o.landuse)
        o.landuse->code_field = get(vm, "landuse-field");
    o.landuse_table = get(vm, "landuse-table");
    o.forest_codes = get(vm, "forest-codes");
    o.shrub_mask = layer_spec(vm, "shrub-mask", encoding);
    if (o.landcover.empty() && (vm.count("forest-classes") || vm.count("landcover-table")))
        throw InputError("--forest-classes/--landcover-table need --landcover (the land-cover raster)");
    if (!o.landuse && (vm.count("forest-codes") || vm.count("landuse-table")))
        throw InputError("--forest-codes/--landuse-table need --landuse (the land-use layer)");

    std::optional<double> tolerance;
    if (vm.count("tolerance")) {
        tolerance = vm["tolerance"].as<double>();
        if (!(*tolerance >= 0))
            throw InputError("--tolerance must be a non-negative number of percentage points");
    }
    for (const auto& t : get_all(vm, "target"))
        o.checks.push_back(FigureCheck::parse(t, FigureCheck::Kind::floor, "--target"));
    for (const auto& t : get_all(vm, "verify")) {
        FigureCheck c = FigureCheck::parse(t, FigureCheck::Kind::verify, "--verify");
        c.tolerance_pp = tolerance;
        o.checks.push_back(c);
    }
    for (const auto& r : get_all(vm, "reported-area")) {
        const std::size_t eq = r.find('=');
        if (eq == std::string::npos)
            throw InputError("--reported-area '" + r + "': write KEY=AREA, e.g. redline=616km2 or district=2402km2");
        const std::string key = to_lower(trim(r.substr(0, eq)));
        o.reported_areas[key] = parse_area_figure(r.substr(eq + 1), "--reported-area " + key);
    }
    o.area_field_tolerance = vm["area-tolerance"].as<double>() / 100.0;
    if (!(o.area_field_tolerance >= 0))
        throw InputError("--area-tolerance must be a non-negative percentage");
    o.survey_area = vm.count("survey-area") > 0;
    o.output_crs = get(vm, "out-crs");
    o.threads = vm["threads"].as<int>();
    o.out_gpkg = get(vm, "out");
    o.json_path = get(vm, "json");
    o.csv_path = get(vm, "csv");
    return o;
}

namespace {

void print_share(const char* label, const ShareFigure* f)
{
    if (f)
        std::printf("  %-10s %14.4f km²  %9.4f %%\n", label, f->area_m2 / 1e6, f->share_pct);
}

} // namespace

void print_coverage_summary(const CoverageResult& r, const CoverageOptions& o)
{
    const UnitResult& d = r.district;
    std::printf("District %s %s: %.4f km²\n", d.id.c_str(), d.name.c_str(), d.area_m2 / 1e6);
    print_share("red line", d.redline ? &*d.redline : nullptr);
    print_share("protected", d.protected_areas ? &*d.protected_areas : nullptr);
    print_share("forest", d.forest ? &*d.forest : nullptr);
    if (!r.zones.empty()) {
        std::printf("\n%s %s %12s %10s %10s %10s %s\n", pad("zone", 12).c_str(), pad("name", 18).c_str(), "area km²",
                    "redline %", "protect %", "forest %", "status");
        for (const auto& z : r.zones) {
            auto pct = [](const ShareFigure* f) { return f ? fixed(f->share_pct, 2) : std::string("-"); };
            std::printf("%s %s %12.3f %10s %10s %10s %s\n", pad(z.id, 12).c_str(), pad(z.name, 18).c_str(), z.area_m2 / 1e6,
                        pct(z.redline ? &*z.redline : nullptr).c_str(),
                        pct(z.protected_areas ? &*z.protected_areas : nullptr).c_str(),
                        pct(z.forest ? &*z.forest : nullptr).c_str(), z.status().c_str());
        }
    }
    if (!d.checks.empty()) {
        std::printf("\nChecks on the district:\n");
        for (const auto& c : d.checks) {
            const bool floor = c.check.kind == FigureCheck::Kind::floor;
            std::printf("  %-4s %-9s %s %s %%: measured %.4f %% (%+.4f points%s)\n", c.outcome.pass ? "PASS" : "FAIL",
                        c.check.key.c_str(), floor ? ">=" : "= ", fixed(c.check.percent, c.check.decimals).c_str(),
                        c.actual_pct, c.outcome.margin_pp,
                        floor ? "" : (", tolerance ±" + fixed(c.check.tolerance(), 4)).c_str());
            if (c.reconciliation)
                for (const auto& e : c.reconciliation->explanations)
                    std::printf("       - %s\n", e.c_str());
        }
    }
    for (const char* role : { "redline", "protected" }) {
        const auto it = r.layers.find(role);
        if (it == r.layers.end() || !it->second.figures)
            continue;
        const LayerFigures& f = *it->second.figures;
        std::printf("\nQA %s: %zu features, %zu repaired; overlaps %.4f km² (%zu pairs), outside the district %.4f km²",
                    role, f.features, f.repaired, f.overlap_m2 / 1e6, f.overlaps.size(), f.outside_m2 / 1e6);
        if (it->second.area_check)
            std::printf("; %zu area attribute mismatch(es), attribute sum %.4f km²",
                        it->second.area_check->mismatches.size(), it->second.area_check->attribute_sum_m2 / 1e6);
        std::printf("\n");
    }
    for (const auto& w : r.warnings)
        std::printf("Warning: %s\n", w.c_str());
    std::printf("\nAreas: %s.\n", r.area_method.c_str());
    if (!o.out_gpkg.empty() || !o.json_path.empty() || !o.csv_path.empty()) {
        std::printf("Wrote:");
        for (const auto* p : { &o.out_gpkg, &o.json_path, &o.csv_path })
            if (!p->empty())
                std::printf(" %s", p->c_str());
        std::printf("\n");
    }
}

po::options_description coverage_option_descriptions()
{
    po::options_description inputs("Inputs");
    add_layer_options(inputs, "boundary", "district polygons (required); several features are united");
    inputs.add_options()("boundary-id", po::value<std::string>()->value_name("FIELD"), "district id field")(
      "boundary-name", po::value<std::string>()->value_name("FIELD"), "district name field");
    add_layer_options(inputs, "zones", "zoning polygons (townships) for per-zone figures");
    inputs.add_options()("zone-id", po::value<std::string>()->value_name("FIELD"),
                         "zone id field (default: XZQDM, adcode ... if present)")(
      "zone-name", po::value<std::string>()->value_name("FIELD"), "zone name field (default: XZQMC, name ...)");
    add_layer_options(inputs, "redline", "ecological protection red-line polygons (生态保护红线)");
    inputs.add_options()("redline-id", po::value<std::string>()->value_name("FIELD"), "red-line id field");
    add_layer_options(inputs, "protected", "protected-area polygons (自然保护地)");
    inputs.add_options()("protected-id", po::value<std::string>()->value_name("FIELD"), "protected-area id field")(
      "area-field", po::value<std::string>()->value_name("FIELD"),
      "area attribute of --redline to check against the geometry (e.g. MJ)")(
      "redline-area-field", po::value<std::string>()->value_name("FIELD"), "same, naming the red line explicitly")(
      "protected-area-field", po::value<std::string>()->value_name("FIELD"), "area attribute of --protected")(
      "area-unit", po::value<std::string>()->value_name("UNIT"), "unit of area attributes: m2 (default), ha, km2, mu")(
      "area-tolerance", po::value<double>()->default_value(0.01)->value_name("PCT"),
      "an area attribute disagrees when it differs from the measured area by more than PCT %")(
      "encoding", po::value<std::string>()->value_name("ENC"),
      "encoding of Shapefiles without .cpg (default: UTF-8 if valid, else GBK)");

    po::options_description forest("Forest (one source)");
    forest.add_options()("landcover", po::value<std::string>()->value_name("RASTER"), "land-cover class raster")(
      "landcover-band", po::value<int>()->default_value(1)->value_name("N"), "band of --landcover")(
      "landcover-nodata", po::value<std::int32_t>()->value_name("V"), "nodata value (default: the band's)")(
      "landcover-table", po::value<std::string>()->value_name("NAME"),
      "class table in layers/classes (esa_worldcover, clcd, globeland30, ...)")(
      "forest-classes", po::value<std::string>()->value_name("LIST|TABLE"),
      "raster classes that are forest, e.g. 10,20, or a table name (its forest classes)");
    add_layer_options(forest, "landuse", "land-use parcels, e.g. the Third National Land Survey DLTB layer");
    forest.add_options()("landuse-field", po::value<std::string>()->default_value("DLBM")->value_name("FIELD"),
                         "land-use class field")(
      "landuse-table", po::value<std::string>()->value_name("NAME"), "code table: gbt21010 (三调), lsu2023")(
      "forest-codes", po::value<std::string>()->value_name("LIST|TABLE"),
      "land-use codes that are forest, e.g. 0301,0302,0305, or a table name");
    add_layer_options(forest, "shrub-mask",
                      "where shrubland counts as forest (国家特别规定灌木林地); without it shrubland counts everywhere");

    po::options_description figures("Figures");
    figures.add_options()("target", po::value<std::vector<std::string>>()->composing()->value_name("KEY=PCT"),
                          "policy floor: holds when the share >= PCT (keys: redline, protected, forest)")(
      "verify", po::value<std::vector<std::string>>()->composing()->value_name("KEY=PCT"),
      "published figure: holds when the share = PCT within --tolerance; explains a mismatch")(
      "tolerance", po::value<double>()->value_name("PP"),
      "tolerance of --verify in percentage points (default: half a unit of the figure's last decimal)")(
      "reported-area", po::value<std::vector<std::string>>()->composing()->value_name("KEY=AREA"),
      "published area for reconciliation, e.g. redline=616km2, district=2402km2 (m2, ha, km2, mu)")(
      "survey-area", "also give the land survey's ellipsoidal-trapezoid areas (TD/T 1055) beside the geodesic ones");

    po::options_description outputs("Outputs");
    outputs.add_options()("out", po::value<std::string>()->value_name("GPKG"),
                          "GeoPackage: zones with shares, dissolved layers, QA layers, QGIS styles")(
      "json", po::value<std::string>()->value_name("FILE"), "JSON report")(
      "csv", po::value<std::string>()->value_name("FILE"), "CSV report (UTF-8 with BOM)")(
      "out-crs", po::value<std::string>()->value_name("CRS"), "CRS of the GeoPackage (default: the boundary's)");

    po::options_description general("General");
    general.add_options()("threads", po::value<int>()->default_value(0)->value_name("N"),
                          "threads for the raster pass and for reading, clipping and measuring the vector layers (0: all cores); results do not depend on it")("quiet,q", "no progress")(
      "config", po::value<std::string>()->value_name("FILE"), "read options from an INI file (same long names)")(
      "help,h", "this help");

    po::options_description all;
    all.add(inputs).add(forest).add(figures).add(outputs).add(general);
    return all;
}

int coverage_command(const std::vector<std::string>& args)
{
    std::optional<TimedStage> parsing("parse the options");
    const po::options_description all = coverage_option_descriptions();

    po::variables_map vm;
    parse_options(args, all, nullptr, vm,
                  { "boundary", "zones", "redline", "protected", "landcover", "landuse", "shrub-mask", "out", "json",
                    "csv" });
    if (vm.count("help") || args.empty()) {
        std::cout << usage << "\n" << all << std::flush;
        return 0;
    }
    const CoverageOptions options = options_naming_config(vm, [&] { return coverage_options_from(vm); });
    parsing.reset();
    const GeosContext ctx;
    ProgressPrinter progress(vm.count("quiet") > 0);
    std::optional<TimedStage> stage("run_coverage");
    const CoverageResult result = run_coverage(options, ctx, std::ref(progress));
    stage.emplace("write the outputs");
    write_coverage_outputs(result, options, ctx);
    stage.emplace("print the summary");
    print_coverage_summary(result, options);
    stage.reset();
    if (StageTimeline::instance().enabled())
        std::cerr << StageTimeline::instance().report();
    return result.exit_status();
}

} // namespace redline::cli
