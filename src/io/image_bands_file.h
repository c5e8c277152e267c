#pragma once

#include "band_mapping.h"
#include "band_recognition.h"
#include "reflectance_scale.h"

#include <gdal_priv.h>

#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief What an image file says of its bands: names, metadata, colour interpretation, data
/// type and scale, and what its values look like.
///
/// Opening it is the first thing `redline activity` does with an image, so that a missing or
/// unreadable file is reported as such, before any question of which band is which.
class ImageBandsFile
{
public:
    /// Opens @p path; InputError naming @p option and the file when it cannot be read as a raster.
    ImageBandsFile(const std::string& path, const std::string& option);

    const std::string& path() const { return m_path; }
    const std::string& option() const { return m_option; }
    int band_count() const;
    /// Band 1 first.
    const std::vector<BandLabel>& labels() const { return m_labels; }
    /// The dataset's metadata items (default and IMAGERY domains).
    const MetadataItems& dataset_metadata() const { return m_metadata; }

    /// What the file says and shows of the scale of the bands @p mapping uses: their GDAL
    /// scale/offset (InputError when the bands disagree), metadata, and percentiles of the valid
    /// values of nine 64 × 64 windows spread over the image (@p nodata overrides the bands').
    ScaleEvidence scale_evidence(const BandMapping& mapping, const std::optional<double>& nodata) const;

private:
    std::string m_path, m_option;
    GDALDatasetUniquePtr m_ds;
    std::vector<BandLabel> m_labels;
    MetadataItems m_metadata;
};

} // namespace redline
