#pragma once

#include "band_recognition.h"

#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief Which metadata items give a file's reflectance scale: the text of
/// layers/bands/recognition/reflectance_scale.txt, parsed.
struct ScaleKeys
{
    std::vector<std::string> scale, offset, quantification, quantified_offset;

    static ScaleKeys parse(const std::string& text, const std::string& source);
};

/// @brief What a file says, and shows, about the scale of the bands change detection reads.
struct ScaleEvidence
{
    bool floating = false; ///< floating-point data type
    std::string type;      ///< GDAL's name of it, for the report ("UInt16")
    /// GDAL's scale and offset of the bands used, when the file sets any (all bands alike; the
    /// caller refuses bands that differ).
    std::optional<double> band_scale, band_offset;
    MetadataItems band_metadata;    ///< of the bands used (the first's items first)
    MetadataItems dataset_metadata;
    /// 50th and 99th percentiles of valid values sampled from the bands used; empty: no sample.
    std::optional<double> p50, p99;
};

/// @brief reflectance = value × scale + offset, and where that came from.
struct ScaleChoice
{
    double scale = 1.0, offset = 0.0;
    std::string source;   ///< "the bands' GDAL scale/offset", "metadata scale_factor=...", or the inference
    bool inferred = false; ///< from the values alone: the report says so as a note
};

/// The reflectance scale of a file, when no option or preset gives it: the bands' own GDAL
/// scale/offset; else the first @p keys item in the band metadata, then the dataset's; else
/// inferred from the values and said so: integers whose 99th percentile lies in [1000, 20000] are
/// reflectance × 10000 (scale 0.0001, the usual delivery of Sentinel-2/Landsat-like products),
/// floating-point values whose 99th percentile is at most 2 are reflectance (scale 1), anything
/// else is used as it is (scale 1; the indices are ratios, but the note asks for --scale).
ScaleChoice choose_reflectance_scale(const ScaleEvidence& evidence, const ScaleKeys& keys);

} // namespace redline
