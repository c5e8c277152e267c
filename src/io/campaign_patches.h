#pragma once
// The reader of a monitoring campaign's patches (`redline activity`'s activity_patches layer),
// read whole and checked before a ledger merge touches the ledger.

#include "crs.h"

#include <ogr_geometry.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief A patch of a campaign to merge, as `redline activity` wrote it.
struct CampaignPatch
{
    std::int64_t fid = 0;
    std::string patch_id, redline_id, redline_name, zone_id, zone_name, change_type;
    double area_m2 = 0; ///< the layer's area_m2, or measured on the ellipsoid when it has none
    double lon = 0, lat = 0;
    std::optional<double> score, confidence;
    std::unique_ptr<OGRGeometry> geometry; ///< in the layer's CRS
};

/// @brief A campaign's patch layer, read whole and checked.
struct CampaignInput
{
    std::string path, layer_name, label;
    SrsPtr srs;
    std::vector<CampaignPatch> patches;
    std::vector<std::string> warnings;
};

/// Reads a campaign's patches: `redline activity`'s activity_patches layer (or any polygon layer
/// with a patch_id field). Every problem (no such file or layer, no CRS, no patch_id field, a
/// feature without a polygon or a patch_id, a patch_id twice) is an InputError naming it.
/// @param layer empty: activity_patches when present, else the only layer
CampaignInput read_campaign_patches(const std::string& path, const std::string& layer, const std::string& option);

} // namespace redline
