// `redline diff`: two versions of the red line before and after an adjustment.
#include "commands.h"
#include "diff/diff_outputs.h"
#include "error.h"
#include "option_helpers.h"
#include "text.h"

#include <cstdio>
#include <iostream>

namespace redline::cli {

namespace {

const char* const usage = R"(redline diff: compare two versions of the red line (before and after an adjustment)

Usage: redline diff --old REDLINE_2022 --new REDLINE_2024 [--boundary DISTRICT] [--zones TOWNSHIPS]
                    [--type-field HXLX] --out DIFF.gpkg [--json FILE] [--csv FILE]

An adjustment of the ecological protection red line must keep its "area not decreased, function
not declined, nature not changed" (面积不减少、功能不降低、性质不改变). Both versions are dissolved
(overlaps count once) and measured on the ellipsoid; the output gives the area gained, lost and
unchanged, overall and per zone, as polygons (diff_gained, diff_lost, diff_unchanged) and figures,
and with --type-field the area whose red-line type changed (diff_type_changed).

Exit status: 0 the area did not decrease and no area changed type, 1 it did, 2 bad input (output
paths included), 3 an output could not be written, 4 out of memory, 5 internal error, 130 interrupted.

Example:
  redline diff --old redline_2022.shp --new redline_2024.gpkg --boundary district.gpkg \
      --zones townships.gpkg --type-field HXLX --out diff.gpkg --json diff.json
)";

} // namespace

int diff_command(const std::vector<std::string>& args)
{
    po::options_description options("Options");
    options.add_options()("old", po::value<std::string>()->value_name("SRC"), "red line before the adjustment")(
      "old-layer", po::value<std::string>()->value_name("NAME"), "layer of --old")(
      "old-where", po::value<std::string>()->value_name("SQL"), "attribute filter on --old")(
      "new", po::value<std::string>()->value_name("SRC"), "red line after the adjustment")(
      "new-layer", po::value<std::string>()->value_name("NAME"), "layer of --new")(
      "new-where", po::value<std::string>()->value_name("SQL"), "attribute filter on --new")(
      "boundary", po::value<std::string>()->value_name("SRC"), "compare inside this district only")(
      "boundary-where", po::value<std::string>()->value_name("SQL"), "attribute filter on --boundary")(
      "zones", po::value<std::string>()->value_name("SRC"), "per-zone figures (townships)")(
      "zone-id", po::value<std::string>()->value_name("FIELD"), "zone id field")(
      "zone-name", po::value<std::string>()->value_name("FIELD"), "zone name field")(
      "type-field", po::value<std::string>()->value_name("FIELD"), "red-line type field in both versions (e.g. HXLX)")(
      "encoding", po::value<std::string>()->value_name("ENC"), "encoding of Shapefiles without .cpg")(
      "out", po::value<std::string>()->value_name("GPKG"), "gained, lost, unchanged and type-changed polygons")(
      "json", po::value<std::string>()->value_name("FILE"), "figures")(
      "csv", po::value<std::string>()->value_name("FILE"), "figures (UTF-8 with BOM)")("quiet,q", "no progress")(
      "config", po::value<std::string>()->value_name("FILE"), "read options from an INI file")("help,h", "this help");
    po::variables_map vm;
    parse_options(args, options, nullptr, vm, { "old", "new", "boundary", "zones", "out", "json", "csv" });
    if (vm.count("help") || args.empty()) {
        std::cout << usage << "\n" << options << std::flush;
        return 0;
    }
    for (const char* required : { "old", "new" })
        if (!vm.count(required))
            throw InputError(std::string("--") + required + " is required (see redline diff --help)");
    const std::string encoding = get(vm, "encoding");
    auto spec = [&](const std::string& name) {
        VectorSpec s;
        s.option = "--" + name;
        s.path = get(vm, name);
        s.layer = get(vm, name + "-layer");
        s.where = get(vm, name + "-where");
        s.encoding = encoding;
        return s;
    };
    DiffOptions o;
    o.old_layer = spec("old");
    o.new_layer = spec("new");
    if (vm.count("boundary"))
        o.boundary = spec("boundary");
    if (vm.count("zones")) {
        o.zones = spec("zones");
        o.zones->id_field = get(vm, "zone-id");
        o.zones->name_field = get(vm, "zone-name");
    }
    o.type_field = get(vm, "type-field");
    o.out_gpkg = get(vm, "out");
    o.json_path = get(vm, "json");
    o.csv_path = get(vm, "csv");

    const GeosContext ctx;
    ProgressPrinter progress(vm.count("quiet") > 0);
    const DiffResult r = run_diff(o, ctx, std::ref(progress));
    write_diff_outputs(r, o, ctx);

    auto line = [](const DiffFigures& d, const std::string& label) {
        std::printf("%s %12.4f %12.4f %+12.4f %12.4f %12.4f %12.4f\n", pad(label, 24).c_str(), d.old_m2 / 1e6, d.new_m2 / 1e6,
                    d.net_m2() / 1e6, d.gained_m2 / 1e6, d.lost_m2 / 1e6, d.unchanged_m2 / 1e6);
    };
    std::printf("%-24s %12s %12s %12s %12s %12s %12s\n", "km²", "old", "new", "net", "gained", "lost", "unchanged");
    line(r.total, "total");
    for (const auto& z : r.zones)
        line(z, z.id + " " + z.name);
    if (!r.area_by_type.empty()) {
        std::printf("\n%-24s %12s %12s\n", "type (km²)", "old", "new");
        for (const auto& kv : r.area_by_type)
            std::printf("%s %12.4f %12.4f\n", pad(kv.first, 24).c_str(), kv.second.first / 1e6, kv.second.second / 1e6);
    }
    for (const auto& t : r.type_changes)
        std::printf("type changed: %s -> %s on %.4f km²\n", t.old_type.c_str(), t.new_type.c_str(), t.area_m2 / 1e6);
    for (const auto& w : r.warnings)
        std::printf("Warning: %s\n", w.c_str());
    std::printf("\nArea does not decrease: %s; nature (type) unchanged: %s.\n", r.total.net_m2() >= -1.0 ? "yes" : "NO",
                r.type_changes.empty() ? (o.type_field.empty() ? "not checked (--type-field)" : "yes") : "NO");
    return r.exit_status();
}

} // namespace redline::cli
