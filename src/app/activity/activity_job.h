#pragma once

#include "change_scoring.h"
#include "activity/date_options.h"
#include "common/progress.h"
#include "crs.h"
#include "geos_context.h"
#include "activity/image_input_report.h"
#include "image_pair.h"
#include "radiometric_normalization.h"
#include "vector_source.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief Everything `redline activity` needs, as plain values.
struct ActivityOptions
{
    DateOptions before, after;       ///< after: empty sensor/bands mean "as before"
    std::string mask_convention = "s2_scl";
    std::string after_shift = "auto"; ///< misregistration: auto, none, or DX,DY cells (parse_after_shift)
    VectorSpec redline;
    std::optional<VectorSpec> zones;
    double min_area_m2 = 400;        ///< minimum mapping unit
    std::optional<double> threshold; ///< noise sigmas; default: the detector's (3.0)
    /// Patches at or above this confidence are delivered; the rest are kept as candidates.
    /// Default: the confidence model's deliver_from.
    std::optional<double> min_confidence;
    bool chips = true;
    /// Between dates seasons apart, withhold vegetation_to_bare patches as uniform as one field
    /// as likely crop cycles (crop_parcel.h); false delivers them (red lines without cropland).
    bool crop_screen = true;
    int threads = 0;
    std::string out_gpkg, csv_path, json_path;
};

/// @brief One suspected patch, clipped to one red-line polygon.
struct ActivityPatch
{
    std::string patch_id, redline_id, redline_name, zone_id, zone_name;
    double area_m2 = 0, lon = 0, lat = 0;
    std::string change_type;
    double ndvi_before = 0, ndvi_after = 0, water_before = 0, water_after = 0, bare_before = 0, bare_after = 0;
    double score = 0, confidence = 0;
    int pixels = 0;
    double strong_share = 0; ///< share of the cells at or above the threshold
    /// Why the patch is not delivered whatever its confidence ("cloud: ..."), or empty.
    std::string withheld;
    std::string chip_true, chip_false; ///< relative to the GeoPackage's folder
    GeomPtr geometry;                  ///< working CRS
    Window window;                     ///< the patch's cells on the before grid (for chips)
};

/// @brief Patches of one red-line polygon.
struct RedlineSummary
{
    std::string id, name;
    double area_m2 = 0;
    std::size_t patches = 0;
    double patch_area_m2 = 0;
};

/// @brief Everything `redline activity` found, and how.
struct ActivityResult
{
    std::string version;
    std::string area_method;
    Ellipsoid ellipsoid;
    SrsPtr working_srs, output_srs;
    std::string image_crs;
    double pixel_dx = 0, pixel_dy = 0;
    int cols = 0, rows = 0;
    std::string before_bands, after_bands;
    bool swir = true;
    std::vector<std::string> indices;  ///< what each index is, as used
    std::vector<std::string> disabled; ///< what could not be used and why (no SWIR)
    std::vector<BandFit> normalization; ///< blue, green, red, nir[, swir1]: after → before
    ChangeThresholds thresholds;
    std::string mask_convention;
    bool after_warped = false;
    double overlap_fraction = 1;
    std::int64_t pixels_analysed = 0, pixels_masked = 0;
    double min_area_m2 = 0;
    std::vector<ActivityPatch> patches;    ///< delivered: confidence ≥ min_confidence
    std::vector<ActivityPatch> candidates; ///< below min_confidence, kept for the interpreter
    std::string confidence_model;          ///< what confidence is, as a formula
    double min_confidence = 0;
    std::vector<RedlineSummary> redlines;
    std::vector<std::string> warnings;
    std::string chips_dir; ///< relative to the GeoPackage's folder; empty without chips
    Box redline_extent;    ///< of the red line, working CRS (the project's initial view)
    ImageSpec before_spec, after_spec; ///< as resolved, for reading the chips
    ImageInputReport input;            ///< bands, scale, resampling, misregistration: how they were decided
    std::string crop_screen;           ///< whether the crop cycle screen ran, and why (crop_parcel.h)

    /// The candidates withheld whatever their confidence, by their reason's first words ("cloud",
    /// "cloud shadow", "crop cycle").
    std::map<std::string, int> withheld_by_reason() const;
};

/// Runs the detection. @p ctx owns the result's geometries.
ActivityResult run_activity(const ActivityOptions& options, const GeosContext& ctx, const ProgressFn& progress);

/// Writes the GeoPackage (with chips), CSV and JSON the options ask for, each under a temporary
/// name, and puts them in place together when all are complete (OutputSet).
void write_activity_outputs(ActivityResult& result, const ActivityOptions& options, const GeosContext& ctx,
                            const ProgressFn& progress);

/// The JSON summary.
std::string activity_json(const ActivityResult& result);

} // namespace redline
