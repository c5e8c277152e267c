#pragma once

#include <cstdint>
#include <vector>

namespace redline {

/// @brief Where a cloud's shadow fell, found by the shape they share.
///
/// A cloud's shadow on the ground has the cloud's outline, moved away from the sun by the cloud's
/// height over the tangent of the sun's elevation. Without the sun's angles in the file, the
/// direction is what the satellite's time of day allows: Sentinel-2 (like Landsat) crosses in
/// the morning (10:30 local solar time at the descending node), so the sun is in the east half
/// of the sky and towards the equator from mid latitudes; shadows fall west of the pole-ward
/// direction. The distance is searched: clouds a few hundred metres to a few kilometres up, the
/// sun 15-70° high, put shadows up to about 5 km away.
///
/// The match is the translation that lays the most of the cloud's cells on cells that darkened
/// in every band in the cloud's date ("dark" change patches). It counts only when that overlap is
/// a good share of the cloud: a shadow is as large as its cloud, while a small dark patch fits
/// under a large cloud's outline almost anywhere.
struct Cell
{
    int row = 0, col = 0;
};

struct ShadowRule
{
    double max_distance_m = 5000;    ///< farthest shadow searched
    double min_overlap_share = 0.2;  ///< of the cloud's cells laid on dark cells at the best translation
    double min_inside_share = 0.5;   ///< of a dark patch's cells under the moved outline, to be its shadow
};

/// Shadow directions the sun allows at @p latitude (degrees) for a morning overpass (10:00-11:30
/// local solar time, any day of the year), as compass azimuths in degrees: from, to (clockwise,
/// `to` may exceed 360), with 15° to spare.
struct AzimuthRange
{
    double from = 0, to = 0;
    bool holds(double azimuth) const;
};
AzimuthRange morning_shadow_directions(double latitude);

struct ShadowOffset
{
    bool found = false;
    int rows = 0, cols = 0;      ///< shadow = cloud moved by this many cells (+rows south, +cols east)
    std::int64_t overlap = 0;    ///< cloud cells laid on dark cells there
    double distance_m = 0, azimuth = 0;
};

/// The best translation of @p cloud onto @p dark (cells of one grid whose cells are @p cell_width_m ×
/// @p cell_height_m), within @p rule's distance and @p directions; found when the overlap reaches
/// `min_overlap_share` of the cloud's cells.
ShadowOffset match_cloud_shadow(const std::vector<Cell>& cloud,
                                const std::vector<Cell>& dark,
                                double cell_width_m,
                                double cell_height_m,
                                const AzimuthRange& directions,
                                const ShadowRule& rule = {});

} // namespace redline
