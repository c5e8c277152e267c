#pragma once

#include "change_threshold.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace redline {

/// @brief The components of change redline scores, each positive when it points to human activity.
enum ChangeComponent
{
    vegetation_loss = 0, ///< NDVI fell
    bare_gain = 1,       ///< the bare/built index rose
    water_gain = 2,      ///< the water index rose
    water_loss = 3,      ///< the water index fell
};
constexpr int change_component_count = 4;
const char* change_component_name(int component);

/// @brief Patch change types, as field teams read them.
enum ChangeType : std::uint8_t
{
    change_other = 0,
    change_vegetation_to_bare = 1,
    change_vegetation_to_water = 2,
    change_water_to_land = 3,
};
constexpr int change_type_count = 4;
const char* change_type_name(int type);

/// @brief Index rasters of one window of both dates, with a one-pixel halo all round.
///
/// The after date is already normalised to the before date's radiometry. `valid` is 1 where both
/// dates have data (not nodata, not masked as cloud or shadow).
struct IndexWindow
{
    int rows = 0, cols = 0; ///< including the halo
    std::vector<float> ndvi_before, water_before, bare_before;
    std::vector<float> ndvi_after, water_after, bare_after;
    std::vector<std::uint8_t> valid;
    /// Reflectance of the bands (blue, green, red, nir[, swir1]) of both dates, same layout.
    std::vector<std::vector<float>> bands_before, bands_after;
    /// Brightness stratum of each pixel (see Strata), and the residual spread between the dates of
    /// each band in each stratum ([stratum][band]).
    std::vector<std::uint8_t> stratum;
    std::vector<std::vector<float>> band_sigma;

    void resize(int r, int c, std::size_t bands);
};

/// How far each inner pixel's after spectrum lies outside the range its before neighbourhood
/// spans, band by band, in units of that band's residual spread (root mean square over bands).
/// Indices are ratios: over dark surfaces (water, shadow) noise alone swings them widely, while
/// the reflectance barely changes. A change must also be a change of the spectrum.
void spectral_departure(const IndexWindow& w, std::vector<float>& out);

/// Raw change components of the window's inner pixels ((rows − 2) × (cols − 2), row-major): for a
/// loss, the lowest before value in the pixel's 3×3 neighbourhood minus its after value; for a
/// gain, its after value minus the highest before value around it. An edge displaced by up to a
/// pixel (misregistration between the dates) leaves each after value within the range of the
/// before values around it, so it scores ≤ 0, while a new road one pixel wide still scores the
/// whole contrast. Invalid pixels get NaN; invalid neighbours are ignored.
void change_components(const IndexWindow& w, std::array<std::vector<float>, change_component_count>& out);

/// @brief Strata of surface brightness (mean reflectance of the before date's bands).
///
/// Noise is not the same everywhere: a bright roof or fallow field swings several times more than
/// a dark forest. Change scores are standardised within their brightness stratum (quantile bins
/// of the red line's own pixels), so one threshold in sigmas fits dark and bright surfaces alike.
struct Strata
{
    std::vector<float> edges; ///< ascending cut points; count() = edges.size() + 1
    int count() const { return int(edges.size()) + 1; }
    int of(float brightness) const
    {
        int s = 0;
        while (s < int(edges.size()) && brightness >= edges[std::size_t(s)])
            ++s;
        return s;
    }
    /// Cut points at the quantiles of @p brightness (reordered in place) for @p n strata.
    static Strata quantiles(std::vector<float>& brightness, int n);
};

/// @brief The thresholds of each component, and the hysteresis that grows patches from them.
struct ChangeThresholds
{
    Strata strata;
    /// Baseline (median, robust sigma) of each component in each stratum.
    std::array<std::vector<RobustStats>, change_component_count> baseline;
    std::array<ChangeThreshold, change_component_count> component;
    /// Residual spread between the dates of each band in each stratum ([stratum][band]).
    std::vector<std::vector<float>> band_sigma;
    double hysteresis = 0.6; ///< pixels at ≥ 0.6 × threshold join a patch that has one above it
    double departure = 3.0;  ///< spectral departure a changed pixel needs (× hysteresis for weak ones)

    double z_of(int component_index, int stratum, double value) const
    {
        const RobustStats& b = baseline[std::size_t(component_index)][std::size_t(stratum)];
        return (value - b.median) / b.sigma;
    }
};

/// @brief The verdict on one pixel.
struct PixelChange
{
    float score;      ///< min(max over components of z / threshold, departure / gate): ≥ 1 changed
    std::uint8_t type; ///< ChangeType
};

/// Scores and types one pixel from its components, its spectral departure and its index values:
/// the score is the smaller of the best component's (z / threshold) and departure / t.departure.
PixelChange classify_pixel(const ChangeThresholds& t, const std::array<float, change_component_count>& raw,
                           float departure, int stratum, float ndvi_before, float water_before, float water_after);

} // namespace redline
