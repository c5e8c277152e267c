#pragma once

#include <optional>
#include <string>

namespace redline {

/// @brief How the user described one date's image.
struct DateOptions
{
    std::string path;
    std::string sensor;               ///< preset in layers/bands (e.g. sentinel2_l2a)
    std::string bands;                ///< "blue=1,green=2,..." (overrides the preset's mapping)
    std::optional<double> scale, offset;
    std::optional<double> nodata;
    std::string mask;                 ///< cloud/quality mask raster
};

} // namespace redline
