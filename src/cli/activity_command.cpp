// `redline activity`: options to ActivityOptions, run, summary.
#include "activity/activity_job.h"
#include "area_unit.h"
#include "commands.h"
#include "error.h"
#include "option_helpers.h"
#include "common/stage_timeline.h"
#include "text.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <optional>

namespace redline::cli {

namespace {

const char* const usage =
  R"(redline activity: suspected human activity inside the red line from two-date imagery

Usage: redline activity --before T1.tif --after T2.tif --redline REDLINE --out PATCHES.gpkg
                        [--sensor PRESET | --bands blue=1,green=2,red=3,nir=4,swir1=5,swir2=6]
                        [--before-mask SCL1.tif --after-mask SCL2.tif] [--zones TOWNSHIPS]
                        [--after-shift auto|none|DX,DY]
                        [--min-area M2] [--threshold K] [--min-confidence C] [--crop-screen auto|off]
                        [--csv FILE] [--json FILE]

Finds new quarries, construction, roads, clearings, ponds and land reclamation inside the
ecological protection red line between two images, for field verification (实地核查):
  - which band is which is read from each file's band names, wavelengths or colour interpretation
    (rules in layers/bands/recognition/) unless --sensor/--bands (--after-sensor/--after-bands)
    say it; the scale from the file's metadata, else assumed from its values (and said so);
  - the after image is warped onto the before grid when its CRS, extent or resolution differ
    (average when its cells are smaller, bilinear otherwise);
  - the misregistration between the dates is measured by phase correlation inside the red line and
    corrected from 0.2 to 2 cells; more is refused (co-register the images first; see --after-shift);
  - clouds and shadows are left out with each date's quality mask (Sentinel-2 SCL by default);
    without one, Sentinel-2 clouds are told by their displacement between B02, B03 and B04 (recorded
    ~0.5 s apart) and their shadows by the cloud's outline moved away from the sun: such patches go
    to activity_candidates with the reason in the field 'withheld';
  - each image's date is read from its metadata (layers/bands/recognition/acquisition_date.txt);
    dates more than 60 days apart in the season get a warning, and then vegetation_to_bare patches
    as uniform as one field (after brightness varying by < 12 % of its mean: harvested or ploughed)
    go to activity_candidates as a likely crop cycle (--crop-screen off delivers them: a red line
    without cropland, where a uniform clearing is a clear-cut); same-season pairs keep them all;
  - a relative radiometric normalisation on pseudo-invariant pixels removes global brightness,
    atmosphere and phenology differences between the dates;
  - every band's change is measured against the range the cell's before value takes when moved
    half a cell towards its 3×3 neighbours (robust to what misregistration is left after the
    shift is corrected), in the noise of its stratum (cover × brightness, less the stratum's own
    median change), root mean square over the bands, averaged over 3×3 cells, against 3 noise
    sigmas (--threshold); patches grow from cells at the threshold into cells at 0.6 of it;
  - vegetation that stayed vegetation must stand out against the broad change around it (autumn
    stands, haze and light are not activity); water that stayed water never changes; conversions
    (clearing, digging, reclamation) count however large;
  - patches smaller than --min-area are dropped; the rest are clipped to the red line, split per
    red-line polygon, measured on the ellipsoid and typed (vegetation_to_bare, vegetation_to_water,
    water_to_land, bare_to_water, bare_land_change, vegetation_change, other);
  - each gets a confidence (the share of such patches that were real on scored imagery, see
    docs/activity.md); those of at least --min-confidence (default 0.2) go to the layer
    activity_patches with before/after image chips, the others to activity_candidates.
Imagery without SWIR (GF-1/GF-2/GF-6 PMS) works: the SWIR indices are replaced and the report says so.

Exit status: 0 done (patches or none), 2 bad input (output paths included: checked before the
work), 3 an output could not be written, 4 out of memory, 5 internal error, 130 interrupted.

Examples:
  # Stacks whose bands are named (e.g. "B02".."B12", "blue", "nir"): no --sensor or --bands needed
  redline activity --before T1.tif --after T2.tif --redline redline.gpkg --out patches.gpkg --json summary.json

  # Sentinel-2 L2A 12-band stacks with their scene classification layers
  redline activity --before S2_20230815.tif --after S2_20240820.tif --sensor sentinel2_l2a \
      --before-mask SCL_20230815.tif --after-mask SCL_20240820.tif \
      --redline redline.shp --zones townships.gpkg --out patches_2024.gpkg --csv patches_2024.csv

  # GF-1 PMS before, Sentinel-2 after (another CRS and resolution), 0.1 ha minimum patch
  redline activity --before GF1_2023.tif --sensor gf1_pms --after S2_2024.tif --after-sensor sentinel2_10m \
      --redline redline.gpkg --min-area 1000 --out patches.gpkg

Band presets: layers/bands/ (sentinel2_l2a, sentinel2_10m, landsat89_l2, gf1_pms, gf1_wfv, gf6_pms,
gf6_wfv); mask conventions: layers/masks/ (s2_scl, landsat_qa_pixel, nonzero_invalid, zero_invalid).
)";

DateOptions date_options(const po::variables_map& vm, const std::string& prefix)
{
    DateOptions d;
    d.path = get(vm, prefix);
    d.sensor = get(vm, prefix == "before" ? "sensor" : "after-sensor");
    d.bands = get(vm, prefix == "before" ? "bands" : "after-bands");
    if (vm.count(prefix + "-nodata")) d.nodata = vm[prefix + "-nodata"].as<double>();
    d.mask = get(vm, prefix + "-mask");
    if (prefix == "before") {
        if (vm.count("scale")) d.scale = vm["scale"].as<double>();
        if (vm.count("offset")) d.offset = vm["offset"].as<double>();
    } else {
        if (vm.count("after-scale")) d.scale = vm["after-scale"].as<double>();
        if (vm.count("after-offset")) d.offset = vm["after-offset"].as<double>();
    }
    return d;
}

} // namespace

po::options_description activity_option_descriptions()
{
    po::options_description images("Images");
    images.add_options()("before",
                         po::value<std::string>()->value_name("RASTER"),
                         "the earlier image (required)")("after",
                                                         po::value<std::string>()->value_name("RASTER"),
                                                         "the later image (required); any CRS/resolution")(
      "sensor",
      po::value<std::string>()->value_name("PRESET"),
      "band preset of --before (and --after) in layers/bands (default: read from the file's band names)")(
      "bands",
      po::value<std::string>()->value_name("MAP"),
      "band mapping, e.g. blue=2,green=3,red=4,nir=8,swir1=11,swir2=12")(
      "after-sensor",
      po::value<std::string>()->value_name("PRESET"),
      "band preset of --after, if another sensor")(
      "after-bands", po::value<std::string>()->value_name("MAP"), "band mapping of --after")(
      "scale",
      po::value<double>()->value_name("S"),
      "reflectance = value × S + O (default: the preset's, else the file's, else assumed from its values)")(
      "offset",
      po::value<double>()->value_name("O"),
      "see --scale (e.g. -0.1 for Sentinel-2 baseline >= 04.00)")(
      "after-scale", po::value<double>()->value_name("S"), "--scale for --after")(
      "after-offset", po::value<double>()->value_name("O"), "--offset for --after")(
      "before-nodata", po::value<double>()->value_name("V"), "nodata of --before (default: the bands')")(
      "after-nodata", po::value<double>()->value_name("V"), "nodata of --after")(
      "before-mask", po::value<std::string>()->value_name("RASTER"), "cloud/quality mask of --before")(
      "after-mask", po::value<std::string>()->value_name("RASTER"), "cloud/quality mask of --after")(
      "mask-convention",
      po::value<std::string>()->default_value("s2_scl")->value_name("NAME"),
      "how masks mark invalid pixels: s2_scl, landsat_qa_pixel, nonzero_invalid, zero_invalid")(
      "after-shift",
      po::value<std::string>()->default_value("auto")->value_name("auto|none|DX,DY"),
      "misregistration of --after: auto measures it (phase correlation), corrects 0.2-2 cells and refuses "
      "more; "
      "none skips it; DX,DY corrects this many before-grid cells (right, down) without measuring");

    po::options_description areas("Areas");
    areas.add_options()(
      "redline", po::value<std::string>()->value_name("SRC"), "red-line polygons (required)")(
      "redline-layer", po::value<std::string>()->value_name("NAME"), "layer of --redline")(
      "redline-where", po::value<std::string>()->value_name("SQL"), "attribute filter on --redline")(
      "redline-id",
      po::value<std::string>()->value_name("FIELD"),
      "red-line id field (default: HXBH, BSM ...)")("redline-name",
                                                    po::value<std::string>()->value_name("FIELD"),
                                                    "red-line name field (default: HXMC ...)")(
      "zones", po::value<std::string>()->value_name("SRC"), "townships, to attribute patches")(
      "zones-layer", po::value<std::string>()->value_name("NAME"), "layer of --zones")(
      "zone-id", po::value<std::string>()->value_name("FIELD"), "zone id field")(
      "zone-name", po::value<std::string>()->value_name("FIELD"), "zone name field")(
      "encoding", po::value<std::string>()->value_name("ENC"), "encoding of Shapefiles without .cpg");

    po::options_description detection("Detection");
    detection.add_options()(
      "min-area",
      po::value<std::string>()->default_value("400")->value_name("AREA"),
      "minimum mapping unit: smaller patches are dropped (m² or with a unit: 0.05ha, 1亩); "
      "default 400 m², four 10 m cells")(
      "threshold",
      po::value<double>()->value_name("K"),
      "change threshold in noise standard deviations of the bands (default 3)")(
      "min-confidence",
      po::value<double>()->value_name("C"),
      "deliver patches of at least this confidence (0-1; default: the model's, see docs/activity.md); the "
      "others go to the layer activity_candidates")(
      "crop-screen",
      po::value<std::string>()->default_value("auto")->value_name("auto|off"),
      "auto: when the dates lie more than 60 days apart in the season, vegetation_to_bare patches as "
      "uniform as one field go to activity_candidates as likely crop cycles; off: deliver them (a red "
      "line without cropland, where a uniform clearing is a clear-cut)")(
      "no-chips", "do not write the before/after image chips");

    po::options_description outputs("Outputs");
    outputs.add_options()(
      "out", po::value<std::string>()->value_name("GPKG"), "patches (required), chips beside it")(
      "csv", po::value<std::string>()->value_name("FILE"), "patches for field teams (UTF-8 with BOM)")(
      "json", po::value<std::string>()->value_name("FILE"), "summary per red-line polygon and overall");

    po::options_description general("General");
    general.add_options()(
      "threads", po::value<int>()->default_value(0)->value_name("N"), "threads (0: all cores)")(
      "quiet,q", "no progress")("config",
                                po::value<std::string>()->value_name("FILE"),
                                "read options from an INI file (same long names)")("help,h", "this help");

    po::options_description all;
    all.add(images).add(areas).add(detection).add(outputs).add(general);
    return all;
}

ActivityOptions activity_options_from(const po::variables_map& vm)
{
    for (const char* required : { "before", "after", "redline", "out" })
        if (!vm.count(required))
            throw InputError(std::string("--") + required + " is required (see redline activity --help)");
    ActivityOptions o;
    o.before = date_options(vm, "before");
    o.after = date_options(vm, "after");
    o.mask_convention = get(vm, "mask-convention");
    o.after_shift = get(vm, "after-shift");
    parse_after_shift(o.after_shift); // a malformed value is refused before any file is opened
    o.redline.option = "--redline";
    o.redline.path = get(vm, "redline");
    o.redline.layer = get(vm, "redline-layer");
    o.redline.where = get(vm, "redline-where");
    o.redline.id_field = get(vm, "redline-id");
    o.redline.name_field = get(vm, "redline-name");
    o.redline.encoding = get(vm, "encoding");
    if (vm.count("zones")) {
        VectorSpec z;
        z.option = "--zones";
        z.path = get(vm, "zones");
        z.layer = get(vm, "zones-layer");
        z.id_field = get(vm, "zone-id");
        z.name_field = get(vm, "zone-name");
        z.encoding = get(vm, "encoding");
        o.zones = z;
    }
    const std::string min_area = get(vm, "min-area");
    const bool bare_number =
      !min_area.empty() && min_area.find_first_not_of("0123456789.") == std::string::npos;
    o.min_area_m2 = bare_number ? std::stod(min_area) : parse_area(min_area, "--min-area");
    if (vm.count("threshold")) {
        o.threshold = vm["threshold"].as<double>();
        if (!(*o.threshold > 0))
            throw InputError(
              "--threshold must be a positive number of noise standard deviations (default 3)");
    }
    if (vm.count("min-confidence")) {
        o.min_confidence = vm["min-confidence"].as<double>();
        if (!(*o.min_confidence >= 0 && *o.min_confidence <= 1))
            throw InputError("--min-confidence must be between 0 and 1 (0 delivers every candidate)");
    }
    o.chips = !vm.count("no-chips");
    const std::string crop_screen = get(vm, "crop-screen");
    if (crop_screen != "auto" && crop_screen != "off")
        throw InputError("--crop-screen must be auto or off, not '" + crop_screen + "'");
    o.crop_screen = crop_screen == "auto";
    o.threads = vm["threads"].as<int>();
    o.out_gpkg = get(vm, "out");
    o.csv_path = get(vm, "csv");
    o.json_path = get(vm, "json");

    return o;
}

void print_activity_summary(const ActivityResult& r, const ActivityOptions& o)
{
    std::map<std::string, std::pair<int, double>> by_type;
    double total = 0;
    for (const auto& p : r.patches) {
        by_type[p.change_type].first++;
        by_type[p.change_type].second += p.area_m2;
        total += p.area_m2;
    }
    std::printf("Image %d x %d cells of %g x %g in %s; after image %s.\n",
                r.cols,
                r.rows,
                r.pixel_dx,
                r.pixel_dy,
                r.image_crs.c_str(),
                r.after_warped ? "warped onto the before grid" : "on the before grid");
    for (const auto& line : image_input_summary(r.input))
        std::printf("%s\n", line.c_str());
    std::printf("Cells analysed inside the red line: %lld (%lld masked or without data).\n",
                (long long)r.pixels_analysed,
                (long long)r.pixels_masked);
    for (const auto& d : r.disabled)
        std::printf("Note: %s.\n", d.c_str());
    std::printf("\n%zu suspected patches of confidence >= %.2f, %.4f ha, minimum mapping unit %.0f m²:\n",
                r.patches.size(),
                r.min_confidence,
                total / 1e4,
                r.min_area_m2);
    for (const auto& kv : by_type)
        std::printf(
          "  %-22s %5d patches %12.4f ha\n", kv.first.c_str(), kv.second.first, kv.second.second / 1e4);
    if (!r.candidates.empty()) {
        std::size_t low_confidence = r.candidates.size();
        std::string withheld;
        for (const auto& kv : r.withheld_by_reason()) {
            low_confidence -= std::size_t(kv.second);
            withheld += ", " + std::to_string(kv.second) + " withheld as " + kv.first;
        }
        const std::string why = std::to_string(low_confidence) + " of lower confidence" + withheld;
        std::printf("  and %zu changes in the layer activity_candidates, not for the field (%s)\n",
                    r.candidates.size(),
                    why.c_str());
    }
    std::printf("\nPer red-line polygon:\n");
    for (const auto& s : r.redlines)
        if (s.patches)
            std::printf("  %-20s %-30s %4zu patches %10.4f ha\n",
                        s.id.c_str(),
                        s.name.c_str(),
                        s.patches,
                        s.patch_area_m2 / 1e4);
    for (const auto& w : r.warnings)
        std::printf("Warning: %s\n", w.c_str());
    std::printf("\nWrote: %s", o.out_gpkg.c_str());
    if (!r.chips_dir.empty()) std::printf(" (chips in %s/)", r.chips_dir.c_str());
    for (const auto* p : { &o.csv_path, &o.json_path })
        if (!p->empty()) std::printf(" %s", p->c_str());
    std::printf("\n");
}

int activity_command(const std::vector<std::string>& args)
{
    const po::options_description all = activity_option_descriptions();
    po::variables_map vm;
    parse_options(
      args,
      all,
      nullptr,
      vm,
      { "before", "after", "before-mask", "after-mask", "redline", "zones", "out", "csv", "json" });
    if (vm.count("help") || args.empty()) {
        std::cout << usage << "\n" << all << std::flush;
        return 0;
    }

    const ActivityOptions o = options_naming_config(vm, [&] { return activity_options_from(vm); });
    const GeosContext ctx;
    ProgressPrinter progress(vm.count("quiet") > 0);
    ActivityResult r = run_activity(o, ctx, std::ref(progress));
    std::optional<TimedStage> stage("activity: write the outputs");
    write_activity_outputs(r, o, ctx, std::ref(progress));
    stage.reset();
    print_activity_summary(r, o);
    if (StageTimeline::instance().enabled()) std::cerr << StageTimeline::instance().report();
    return 0;
}

} // namespace redline::cli
