#pragma once

#include "band_mapping.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace redline {

using MetadataItems = std::vector<std::pair<std::string, std::string>>; ///< key, value

/// @brief What a file says of one of its bands (GDAL description, metadata, colour interpretation).
struct BandLabel
{
    std::string description;
    MetadataItems metadata;
    std::string color; ///< GDAL's colour interpretation name: "Red", "Green", "Blue", "Gray", "Undefined" ...

    /// The name to show for the band: the description, else the first metadata name, else "".
    std::string shown_name(const std::vector<std::string>& name_keys) const;
};

/// @brief How band roles are recognised from band names and wavelengths: the text of
/// layers/bands/recognition/band_names.txt (its comments explain the rules), parsed.
class BandNameRules
{
public:
    static BandNameRules parse(const std::string& text, const std::string& source);

    /// A role's aliases in one scheme, each as its words.
    using Aliases = std::vector<std::vector<std::string>>;
    struct Scheme
    {
        std::string name, title;
        Aliases when, unless;
        std::array<Aliases, 6> roles;    ///< blue, green, red, nir, swir1, swir2
        std::array<Aliases, 6> fallback; ///< the same roles, used only when no band holds the role itself
        Aliases other;                   ///< recognised, not used
    };
    struct Range
    {
        double lo = 0, hi = 0; ///< µm, [lo, hi)
        bool fallback = false;
    };

    std::vector<std::string> name_keys, wavelength_keys, wavelength_unit_keys;
    std::array<std::vector<Range>, 6> wavelengths;
    std::vector<Scheme> schemes;
    /// "parallax DIRECTION: word runs": a file whose dataset metadata mentions one of them is from a
    /// sensor whose later bands see clouds displaced that way (cloud_parallax.h).
    std::vector<std::pair<std::string, Aliases>> parallax;
    std::string source; ///< where the rules were read, for messages
};

/// @brief The band roles a file's own labels give, and how each was found.
struct RecognisedBands
{
    BandMapping mapping;
    /// One line per role found: "nir = band 4 'nir B08' (words)".
    std::vector<std::string> roles;
    /// The bands not used, by name: "band 1 'B01' (sentinel2: other)".
    std::vector<std::string> unused;
    /// What the roles came from, for the report: e.g. "band descriptions", "band descriptions and
    /// band metadata", "wavelengths in the band metadata", "colour interpretation".
    std::string evidence;
    /// How the sensor's band parallax was recognised ("the dataset metadata mentions 'sentinel 2'"),
    /// empty when it was not (mapping.parallax then empty too).
    std::string parallax_evidence;
};

/// The six role names in BandMapping order: blue, green, red, nir, swir1, swir2.
const std::array<const char*, 6>& band_role_names();

/// Lower-case ASCII words of @p text: runs of letters and digits ("SR_B5" → sr, b5).
std::vector<std::string> name_words(const std::string& text);

/// Recognises which of @p bands (band 1 first) holds blue, green, red, nir and, when present,
/// swir1 and swir2, by @p rules (wavelengths, then naming schemes in order, then the colour
/// interpretation of a real RGB triple); @p dataset_metadata decides which schemes apply.
///
/// Refuses (InputError starting with @p what, e.g. "--before T1.tif") when a required role has
/// no band, or two bands are equally named for one role: the message lists what the file calls
/// its bands and ends with @p advice (how to say it with options). Scale and offset are left at
/// 1 and 0 (reflectance_scale.h decides them).
RecognisedBands recognise_bands(const std::vector<BandLabel>& bands, const MetadataItems& dataset_metadata,
                                const BandNameRules& rules, const std::string& what, const std::string& advice);

} // namespace redline
