// The outputs of `redline activity`: evidence chips, the patch GeoPackage, the field teams' CSV
// and the JSON summary.
#include "activity/activity_job.h"

#include "atomic_file.h"
#include "catalogue.h"
#include "activity/change_pass.h"
#include "chip_writer.h"
#include "error.h"
#include "geopackage_writer.h"
#include "common/ordered_pipeline.h"
#include "common/output_project.h"
#include "report_csv.h"
#include "report_json.h"
#include "reproject_rings.h"
#include "text.h"

#include <cmath>
#include <filesystem>
#include <memory>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace redline {

namespace {

/// The columns of the patch layer and the CSV, in order.
const std::vector<OutputField>& patch_fields()
{
    using T = OutputField::Type;
    static const std::vector<OutputField> fields{
        { "patch_id", T::text },      { "redline_id", T::text },    { "redline_name", T::text },
        { "zone_id", T::text },       { "zone_name", T::text },     { "area_m2", T::real },
        { "lon", T::real },           { "lat", T::real },           { "change_type", T::text },
        { "ndvi_before", T::real },   { "ndvi_after", T::real },    { "water_before", T::real },
        { "water_after", T::real },   { "bare_before", T::real },   { "bare_after", T::real },
        { "score", T::real },         { "confidence", T::real },    { "status", T::text },
        { "verified_by", T::text },   { "verified_on", T::text },   { "verdict", T::text },
        { "activity_class", T::text }, { "chip_true", T::text },    { "chip_false", T::text },
        { "withheld", T::text },
    };
    return fields;
}

std::vector<FieldValue> patch_values(const ActivityPatch& p)
{
    auto r = [](double v, int d) { return std::round(v * std::pow(10.0, d)) / std::pow(10.0, d); };
    return { p.patch_id,
             p.redline_id,
             p.redline_name,
             p.zone_id,
             p.zone_name,
             r(p.area_m2, 2),
             r(p.lon, 7),
             r(p.lat, 7),
             p.change_type,
             r(p.ndvi_before, 4),
             r(p.ndvi_after, 4),
             r(p.water_before, 4),
             r(p.water_after, 4),
             r(p.bare_before, 4),
             r(p.bare_after, 4),
             r(p.score, 3),
             p.confidence,
             std::string("to_verify"),
             std::string(),
             std::string(),
             std::string(),
             std::string(),
             p.chip_true,
             p.chip_false,
             p.withheld };
}

std::string cell_text(const FieldValue& v)
{
    if (const auto* s = std::get_if<std::string>(&v))
        return *s;
    if (const auto* d = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.10g", *d);
        return buf;
    }
    if (const auto* n = std::get_if<std::int64_t>(&v))
        return std::to_string(*n);
    return "";
}

/// Puts the finished folder @p temp_dir in place as @p final_dir: the old one, if any, is moved
/// aside to @p old_dir first and removed only once the new one is in place (moved back if not).
void swap_folder_in(const std::string& gpkg, const fs::path& temp_dir, const fs::path& final_dir, const fs::path& old_dir)
{
    std::error_code e;
    if (fs::exists(final_dir, e)) {
        fs::rename(final_dir, old_dir, e);
        if (e)
            throw OutputError("--out " + gpkg + ": cannot move the old chips' folder " + final_dir.string() + " aside (" +
                              e.message() + ")");
    }
    fs::rename(temp_dir, final_dir, e);
    if (e) {
        const std::string why = e.message();
        fs::rename(old_dir, final_dir, e); // the old chips back, if there were any
        throw OutputError("--out " + gpkg + ": cannot move the finished chips' folder into place as " +
                          final_dir.string() + " (" + why + ")");
    }
    fs::remove_all(old_dir, e);
}

/// Writes every patch's chips into a fresh folder beside the final one, then swaps it in.
void write_all_chips(ActivityResult& result, const std::string& gpkg, const GeosContext& ctx, int threads,
                     const ProgressFn& progress)
{
    const fs::path out(gpkg);
    const fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    const std::string name = out.stem().string() + "_chips";
    const fs::path final_dir = dir / name;
    const fs::path temp_dir = temporary_path_for(final_dir.string());
    remove_stale_temporaries(final_dir.string()); // the folders of killed runs
    std::error_code ec;
    fs::remove_all(temp_dir, ec);
    fs::create_directories(temp_dir, ec);
    if (ec)
        throw OutputError("--out " + gpkg + ": cannot create the chips' folder " + temp_dir.string() + " (" +
                          ec.message() + ")");
    struct Cleanup
    {
        fs::path path;
        bool keep = false;
        ~Cleanup()
        {
            std::error_code e;
            if (!keep)
                fs::remove_all(path, e);
        }
    } cleanup{ temp_dir };

    // The outlines in image coordinates first, on this thread (GEOS and PROJ objects are not
    // shared between threads); then the chips in parallel, each thread with its own datasets.
    // Every chip goes to its own file, so the bytes do not depend on the thread count.
    std::vector<Rings> outlines;
    outlines.reserve(result.patches.size());
    {
        const ImagePair images(result.before_spec, result.after_spec);
        const Reprojection to_image(*result.working_srs, images.srs(), 0.0, "chips");
        for (const ActivityPatch& p : result.patches)
            outlines.push_back(reproject_to_rings(ctx, p.geometry.get(), to_image));
    }
    auto make_worker = [&](int) {
        auto images = std::make_shared<ImagePair>(result.before_spec, result.after_spec);
        auto before = std::make_shared<BandWindow>(), after = std::make_shared<BandWindow>();
        return [images, before, after, &result, &outlines, &temp_dir](std::size_t i) {
            const ActivityPatch& p = result.patches[i];
            const Grid& grid = images->grid();
            // The patch's cells and a margin of as many again (at least 24 cells) all round.
            const int margin = std::max(24, std::max(p.window.cols, p.window.rows));
            const Window w = Window{ p.window.col0 - margin, p.window.row0 - margin, p.window.cols + 2 * margin,
                                     p.window.rows + 2 * margin }
                               .intersection(grid.full_window());
            images->read(w, *before, *after);
            apply_normalization(result.normalization, *after);
            ChipImages chip;
            chip.before = before.get();
            chip.after = after.get();
            chip.inside.assign(w.size(), 0);
            CoverageRasterizer outline(grid, outlines[i]);
            CoverageWindow cover;
            outline.rasterize(w, cover);
            for (int r = cover.window.row0; r < cover.window.row_end(); ++r)
                for (int c = cover.window.col0; c < cover.window.col_end(); ++c)
                    if (cover.at(r, c) >= 0.5)
                        chip.inside[std::size_t(r - w.row0) * w.cols + std::size_t(c - w.col0)] = 1;
            const std::string& stem = p.patch_id;
            write_chips(chip, (temp_dir / (stem + "_true.png")).string(), (temp_dir / (stem + "_false.png")).string());
            return 0;
        };
    };
    std::size_t done = 0;
    run_ordered<int>(result.patches.size(), std::max(1, threads), make_worker, [&](std::size_t i, int&&) {
        ActivityPatch& p = result.patches[i];
        p.chip_true = name + "/" + p.patch_id + "_true.png";
        p.chip_false = name + "/" + p.patch_id + "_false.png";
        ++done;
        return !progress || progress(0.86 + 0.1 * double(done) / double(result.patches.size()), "writing evidence chips");
    });
    // Swap the finished folder in with the run's other outputs (OutputSet), or now.
    const fs::path old_dir = dir / ("." + name + ".redline-old-" + std::to_string(::getpid()));
    auto put_in_place = [gpkg, final_dir, temp_dir, old_dir] { swap_folder_in(gpkg, temp_dir, final_dir, old_dir); };
    if (!OutputSet::defer(put_in_place, [temp_dir] {
            std::error_code e;
            fs::remove_all(temp_dir, e);
        }))
        put_in_place();
    cleanup.keep = true;
    result.chips_dir = name;
}

} // namespace

/// One patch (delivered or candidate) of the JSON summary.
void write_patch_json(JsonWriter& j, const ActivityPatch& p, double min_confidence)
{
    j.begin_object();
    j.field("patch_id", p.patch_id);
    j.field("redline_id", p.redline_id);
    j.field("zone_id", p.zone_id);
    j.field("area_m2", p.area_m2, 2);
    j.field("lon", p.lon, 7);
    j.field("lat", p.lat, 7);
    j.field("change_type", p.change_type);
    j.field("score", p.score, 3);
    j.field("confidence", p.confidence, 2);
    j.field("cells", p.pixels);
    j.field("strong_share", p.strong_share, 4);
    j.field("ndvi_before", p.ndvi_before, 4);
    j.field("ndvi_after", p.ndvi_after, 4);
    j.field("water_before", p.water_before, 4);
    j.field("water_after", p.water_after, 4);
    j.field("bare_before", p.bare_before, 4);
    j.field("bare_after", p.bare_after, 4);
    j.field("delivered", p.confidence >= min_confidence && p.withheld.empty());
    j.field("withheld", p.withheld);
    j.end_object();
}

/// How the dates were made comparable and cells judged: normalisation, strata, detection.
void write_calibration_json(JsonWriter& j, const ActivityResult& r)
{
    j.key("normalization").begin_array();
    static const char* band_names[] = { "blue", "green", "red", "nir", "swir1" };
    for (std::size_t k = 0; k < r.normalization.size(); ++k) {
        const BandFit& f = r.normalization[k];
        j.begin_object();
        j.field("band", band_names[k]);
        j.field("gain", f.gain, 6);
        j.field("offset", f.offset, 6);
        j.field("invariant_pixels", f.invariant_pixels);
        j.field("rmse", f.rmse, 6);
        j.end_object();
    }
    j.end_array();
    j.key("strata").begin_object();
    {
        static const char* covers[] = { "bare", "vegetation", "water" };
        for (std::size_t c = 0; c < 3; ++c) {
            j.key(std::string(covers[c]) + "_brightness_cuts").begin_array();
            for (float e : r.thresholds.strata.edges[c])
                j.value(double(e), 5);
            j.end_array();
        }
    }
    j.end_object();
    {
        const ChangeThresholds& t = r.thresholds;
        j.key("detection").begin_object();
        j.field("method", "change vector of the normalised bands: each band's after value, less its stratum's median "
                          "difference, against the range its before value takes moved half a cell towards its 3x3 "
                          "neighbours (robust to the misregistration left after correction), in the stratum's noise "
                          "sigma (strata: cover x brightness of the before surface); root mean square over the bands, "
                          "averaged over 3x3 cells");
        j.field("context", "cells vegetated in both dates must also stand out against the broad change around "
                           "them: background = bilinear interpolation of the median of 3x3 blocks' median differences "
                           "(8-cell blocks)");
        j.field("threshold_sigmas", t.threshold, 3);
        j.field("threshold_method", t.method);
        j.field("hysteresis", t.hysteresis, 3);
        j.field("crop_screen", r.crop_screen);
        j.field("dense_vegetation_ndvi", t.cover.dense_ndvi, 2);
        j.field("dense_vegetation_factor", t.stays_vegetation_factor, 2);
        for (const auto& table : { std::make_pair("difference_median_by_stratum", &t.band_bias),
                                   std::make_pair("difference_sigma_by_stratum", &t.band_sigma) }) {
            j.key(table.first).begin_array();
            for (const auto& stratum : *table.second) {
                j.begin_array();
                for (float v : stratum)
                    j.value(double(v), 6);
                j.end_array();
            }
            j.end_array();
        }
        j.end_object();
    }
}

std::string activity_json(const ActivityResult& r)
{
    JsonWriter j;
    j.begin_object();
    j.field("tool", "redline " + r.version);
    j.field("command", "activity");
    j.field("area_method", r.area_method);
    j.key("image").begin_object();
    j.field("crs", r.image_crs);
    j.field("pixel_dx", r.pixel_dx, 6);
    j.field("pixel_dy", r.pixel_dy, 6);
    j.field("cols", r.cols);
    j.field("rows", r.rows);
    j.field("before_bands", r.before_bands);
    j.field("after_bands", r.after_bands);
    j.field("after_warped_to_before_grid", r.after_warped);
    j.field("overlap_fraction", r.overlap_fraction, 4);
    j.field("mask_convention", r.mask_convention);
    j.end_object();
    j.key("input");
    write_image_input(j, r.input);
    j.key("indices").begin_array();
    for (const auto& s : r.indices)
        j.value(s);
    j.end_array();
    j.key("indices_disabled").begin_array();
    for (const auto& s : r.disabled)
        j.value(s);
    j.end_array();
    write_calibration_json(j, r);
    j.field("min_area_m2", r.min_area_m2, 2);
    j.field("confidence_model", r.confidence_model);
    j.field("min_confidence", r.min_confidence, 2);
    j.field("pixels_analysed", std::int64_t(r.pixels_analysed));
    j.field("pixels_masked", std::int64_t(r.pixels_masked));

    double total_area = 0;
    std::map<std::string, std::pair<std::size_t, double>> by_type;
    for (const auto& p : r.patches) {
        total_area += p.area_m2;
        by_type[p.change_type].first++;
        by_type[p.change_type].second += p.area_m2;
    }
    j.key("overall").begin_object();
    j.field("patches", r.patches.size());
    j.field("area_m2", total_area, 2);
    j.field("candidates", r.candidates.size());
    j.key("candidates_withheld").begin_object(); // whatever their confidence, by reason
    for (const auto& kv : r.withheld_by_reason())
        j.field(kv.first, kv.second);
    j.end_object();
    j.key("by_change_type").begin_object();
    for (const auto& kv : by_type) {
        j.key(kv.first).begin_object();
        j.field("patches", kv.second.first);
        j.field("area_m2", kv.second.second, 2);
        j.end_object();
    }
    j.end_object();
    j.end_object();
    j.key("redlines").begin_array();
    for (const auto& s : r.redlines) {
        j.begin_object();
        j.field("id", s.id);
        j.field("name", s.name);
        j.field("area_m2", s.area_m2, 2);
        j.field("patches", s.patches);
        j.field("patch_area_m2", s.patch_area_m2, 2);
        j.end_object();
    }
    j.end_array();
    j.key("patches").begin_array();
    for (const auto& p : r.patches)
        write_patch_json(j, p, r.min_confidence);
    j.end_array();
    j.key("candidates").begin_array();
    for (const auto& p : r.candidates)
        write_patch_json(j, p, r.min_confidence);
    j.end_array();
    j.key("warnings").begin_array();
    for (const auto& w : r.warnings)
        j.value(w);
    j.end_array();
    j.end_object();
    return j.str();
}

void write_activity_outputs(ActivityResult& result, const ActivityOptions& options, const GeosContext& ctx,
                            const ProgressFn& progress)
{
    OutputSet outputs; // the chips, GeoPackage, project, CSV and JSON are put in place together
    if (!options.out_gpkg.empty() && options.chips && !result.patches.empty())
        write_all_chips(result, options.out_gpkg, ctx,
                        options.threads > 0 ? options.threads : int(std::max(1u, std::thread::hardware_concurrency())),
                        progress);
    if (!options.out_gpkg.empty()) {
        const Catalogue catalogue;
        GeoPackageWriter gpkg(options.out_gpkg, "--out", ctx, *result.working_srs, *result.output_srs);
        auto features_of = [](const std::vector<ActivityPatch>& patches) {
            std::vector<OutputFeature> features;
            for (const auto& p : patches)
                features.push_back(OutputFeature{ p.geometry.get(), patch_values(p) });
            return features;
        };
        gpkg.write_layer("activity_patches",
                         "Suspected human-activity patches inside the red line, to verify in the field (confidence >= " +
                           fixed(result.min_confidence, 2) + ")",
                         patch_fields(), features_of(result.patches), catalogue.style("activity_patches"));
        gpkg.write_layer("activity_candidates",
                         "Changes below the delivered confidence (" + fixed(result.min_confidence, 2) +
                           "): for the interpreter, not sent to the field",
                         patch_fields(), features_of(result.candidates), catalogue.style("activity_candidates"));
        gpkg.commit();
        write_output_project(options.out_gpkg, "生态保护红线内疑似人类活动图斑 (redline activity)",
                             { ProjectLayer{ "activity_candidates", "低置信度变化 (activity_candidates)", "",
                                             catalogue.style("activity_candidates"), false },
                               ProjectLayer{ "activity_patches", "疑似人类活动图斑 (activity_patches)", "",
                                             catalogue.style("activity_patches"), true } },
                             *result.output_srs, *result.working_srs, result.redline_extent);
    }
    if (!options.csv_path.empty()) {
        CsvTable t;
        for (const auto& f : patch_fields())
            t.columns.push_back(f.name);
        for (const auto& p : result.patches) {
            std::vector<std::string> row;
            for (const auto& v : patch_values(p))
                row.push_back(cell_text(v));
            t.rows.push_back(std::move(row));
        }
        write_csv(t, options.csv_path, "--csv");
    }
    if (!options.json_path.empty())
        write_file_atomically(options.json_path, activity_json(result), "--json");
    outputs.commit();
}

} // namespace redline
