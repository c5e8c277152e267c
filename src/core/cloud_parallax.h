#pragma once

#include <string>
#include <vector>

namespace redline {

/// @brief Clouds (and aircraft) told from the ground by their parallax between bands.
///
/// A pushbroom sensor whose bands sit side by side on the focal plane records a ground point in
/// each band at a slightly different moment, so each band looks at it along a slightly different
/// line of sight. Orthorectification puts the ground back in register (to a fraction of a cell);
/// whatever stands above the ground it was rectified to does not line up: it appears displaced
/// between the bands in proportion to its height. Sentinel-2's MSI records B03 about 0.5 s and B04
/// about 1.0 s after B02 (Fisser et al. 2022, "Detecting moving trucks on roads using Sentinel-2
/// data", Remote Sensing 14(7)); a cloud a few hundred metres up is displaced towards the north in
/// B04 against B02 by a fraction of a cell, in B03 about half as far. Frantz et al. (2018, "Improvement
/// of the Fmask algorithm for Sentinel-2 images", Remote Sensing of Environment 215) use the same
/// effect with B7/B8/B8A as the Cloud Displacement Index.
///
/// New roofs, roads and quarries are on the ground and do not move between bands, so a change
/// patch that shows this displacement is weather, not activity: it is withheld from delivery
/// (the candidates layer keeps it, with the reason) rather than sent to a field team.
struct BandParallax
{
    double red_dx = 0, red_dy = 0; ///< red against blue, cells (+x east, +y south)
    double green_dy = 0;           ///< green against blue, cells
    bool elevated = false;
};

/// The rule, fixed from the physics above and measured on the OSCD tuning cities only
/// (scripts/oscd_cloud_parallax.py; docs/activity.md, "Clouds by their parallax"):
struct ParallaxRule
{
    int window = 32;          ///< cells per side of the windows compared (16 flagged real roofs)
    int stride = 16;          ///< between windows over a patch
    double min_north = 0.25;  ///< red displaced north of blue by at least this many cells
    double max_across = 0.5;  ///< and east-west by at most this share of the north-south shift
    double min_green = 0.05;  ///< green displaced north by at least this, and no further than red
};

/// Compares one date's blue, green and red @p size × @p size windows (row-major reflectance, no
/// non-finite values; @p size a power of two). Elevated: both correlations have a clear peak
/// (PhaseCorrelation::clear), red lies at least `min_north` cells
/// north of blue, at most `max_across` of that east-west, and green between (north by at least
/// `min_green`, no further than red): the order in which the bands were recorded. All
/// frequencies take part: the bands of one date are not resampled against each other, and a
/// cloud's displacement shows in the fine detail of its edge.
BandParallax band_parallax(const std::vector<float>& blue,
                           const std::vector<float>& green,
                           const std::vector<float>& red,
                           int size,
                           const ParallaxRule& rule = {});

/// How a catalogue names the direction in which a sensor's later bands see elevated objects
/// displaced ("north" for Sentinel-2); false for anything else.
bool known_parallax_direction(const std::string& name);

} // namespace redline
