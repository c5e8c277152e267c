#pragma once

#include "acquisition_date.h"
#include "band_mapping.h"
#include "activity/misregistration_check.h"
#include "resampling_choice.h"

#include <optional>
#include <string>
#include <vector>

namespace redline {

class JsonWriter;

/// @brief One date's band mapping and scale, and where each came from (for the report).
struct ResolvedBands
{
    BandMapping mapping;
    /// "--bands", "--sensor sentinel2_l2a", "--bands with --sensor gf1_pms", or
    /// "band descriptions of T1.tif" (what recognise_bands read).
    std::string source;
    std::vector<std::string> roles;  ///< recognised from the file: one line per role
    std::vector<std::string> unused; ///< recognised from the file: the bands left out
    std::string scale_source;        ///< "--scale", "preset sentinel2_l2a", the file's items, or the inference
    bool scale_inferred = false;     ///< the scale is an inference from the values alone (a note)
    /// Where mapping.parallax comes from: "preset sentinel2_l2a", "the dataset metadata mentions
    /// 'sentinel 2'"; empty: the sensor is not known to have band parallax (no cloud test).
    std::string parallax_source;
};

/// @brief How `redline activity` read its two images: bands, scale, resampling, misregistration.
struct ImageInputReport
{
    ResolvedBands before, after;
    /// When each date was taken, where its metadata says (layers/bands/recognition/acquisition_date.txt).
    std::optional<AcquisitionDate> before_acquired, after_acquired;
    AfterResampling resampling;
    MisregistrationCheck misregistration;
};

/// Writes the report as a JSON object (the next value of @p j).
void write_image_input(JsonWriter& j, const ImageInputReport& r);

/// How far apart the dates lie in the season (days round the year), when both are known.
std::optional<double> season_gap(const ImageInputReport& r);

/// Lines for the console: where each date's bands and scale came from, the resampling, the
/// misregistration.
std::vector<std::string> image_input_summary(const ImageInputReport& r);

} // namespace redline
