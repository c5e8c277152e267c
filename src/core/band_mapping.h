#pragma once

#include <optional>
#include <string>

namespace redline {

/// @brief Which band of an image holds which part of the spectrum, and how its values become
/// reflectance (reflectance = value × scale + offset).
///
/// Blue, green, red and near infrared are required; shortwave infrared is optional: four-band
/// sensors (GF-1, GF-2, GF-6 PMS) have none, and the indices that need it are then replaced.
struct BandMapping
{
    int blue = 0, green = 0, red = 0, nir = 0;
    std::optional<int> swir1, swir2;
    double scale = 1.0;
    double offset = 0.0;
    std::string preset; ///< the preset's name, when one was used
    /// The direction in which this sensor's later bands (green, then red) see elevated objects
    /// displaced against blue ("north" for Sentinel-2; see cloud_parallax.h), from the preset's
    /// `parallax:` line or the file's recognised sensor; empty when not known: no cloud test.
    std::string parallax;

    bool has_swir() const { return swir1.has_value(); }
    /// The largest band index named, to check against the image's band count.
    int max_band() const;
    /// "blue=2,green=3,red=4,nir=8,swir1=11,swir2=12"
    std::string describe() const;

    /// Parses "blue=1,green=2,red=3,nir=4,swir1=5" (other names such as coastal or rededge are
    /// accepted and ignored); @p option names the option in errors.
    static BandMapping parse(const std::string& text, const std::string& option);

    /// Parses a preset file of the layer catalogue (`layers/bands/NAME.txt`: name, title, scale,
    /// offset, bands lines).
    static BandMapping parse_preset(const std::string& text, const std::string& source);
};

} // namespace redline
