#pragma once

#include "grid.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace redline {

/// @brief Patch change types, as field teams read them: what the land was and what it became.
enum ChangeType : std::uint8_t
{
    change_other = 0,
    change_vegetation_to_bare = 1,  ///< clearing, construction or a road on vegetated land
    change_vegetation_to_water = 2, ///< a pond or pit dug in vegetated land
    change_water_to_land = 3,       ///< reclamation, a filled pond
    change_bare_to_water = 4,       ///< a pond or flooded pit on bare or built land
    change_bare_land = 5, ///< bare, rocky or built land changed: building, grading, a quarry floor, a road
    change_vegetation =
      6, ///< vegetated in both dates but changed abruptly (thinning, forest to grass or crops)
};
constexpr int change_type_count = 7;
const char* change_type_name(int type);

/// @brief Cover of one pixel in one date, from its indices: what "from" and "to" mean in a type.
enum class Cover : std::uint8_t
{
    bare,       ///< bare soil, rock, built surfaces (neither vegetation nor water)
    vegetation, ///< NDVI ≥ vegetation_ndvi
    water,      ///< water index > 0 (MNDWI, or NDWI without SWIR)
};

/// @brief Where the cover rules draw their lines.
struct CoverRules
{
    double vegetation_ndvi = 0.3; ///< vegetated from here (sparse vegetation included)
    /// Vegetation "stays vegetation" when NDVI is at least this in both dates and fell by less than
    /// vegetation_loss_ndvi: dense canopy that turned autumn-coloured (0.80 → 0.66) is still forest.
    /// Changes of such cells are phenology or thinning, and count only when they are strong (see
    /// ChangeThresholds::stays_vegetation_factor).
    double dense_ndvi = 0.5;
    /// An NDVI fall of this much is lost vegetation, even where some cover is left (a clearing
    /// left half grass, a road one cell wide mixed with the forest beside it).
    double vegetation_loss_ndvi = 0.2;
    double water_index = 0.0;

    /// Dense vegetation in both dates that did not lose vegetation: phenology-like.
    bool stays_dense(float ndvi_before, float ndvi_after) const
    {
        return ndvi_before >= dense_ndvi && ndvi_after >= dense_ndvi;
    }

    Cover of(float ndvi, float water) const
    {
        return water > water_index ? Cover::water
                                   : (ndvi >= vegetation_ndvi ? Cover::vegetation : Cover::bare);
    }
};

/// @brief One window of both dates, with a two-pixel halo all round.
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
    /// Stratum of each pixel (see Strata), and the median difference between the dates and its
    /// robust spread, of each band in each stratum ([stratum][band]).
    std::vector<std::uint8_t> stratum;
    std::vector<std::vector<float>> band_bias, band_sigma;

    void resize(int r, int c, std::size_t bands);
};

/// @brief Strata of the before date's surface: its cover, and its brightness (mean reflectance
/// of the bands) within the cover.
///
/// Neither the noise nor the difference between the dates is the same everywhere: a bright roof
/// or fallow field swings several times more than a dark forest, and between two dates vegetation
/// follows its season while rock and soil follow the sun and their moisture, each in its own way
/// that one linear normalisation of the whole scene cannot follow. Band differences are measured
/// from the median difference of their stratum, in the stratum's robust spread (quantile bins of
/// the red line's own pixels), so one threshold in sigmas fits every surface.
struct Strata
{
    static constexpr int per_cover = 4;
    static constexpr int count = 3 * per_cover;
    /// Ascending brightness cut points of each cover (bare, vegetation, water): per_cover − 1 each.
    std::array<std::vector<float>, 3> edges;

    int of(Cover cover, float brightness) const
    {
        // The edges ascend, so the cut points at or below the brightness are the first s: counted
        // rather than searched, without a branch that depends on the cell (perf: the search's
        // mispredictions made the strata a twentieth of a run).
        const std::vector<float>& e = edges[std::size_t(cover)];
        int s = 0;
        for (float edge : e)
            s += int(brightness >= edge);
        return int(cover) * per_cover + s;
    }
    /// Cut points at the quantiles of the brightness of each cover (@p brightness reordered).
    static Strata quantiles(std::array<std::vector<float>, 3>& brightness);
};

/// @brief What makes a cell changed, and how patches grow from changed cells.
struct ChangeThresholds
{
    Strata strata;
    /// Median difference (after − before) and robust spread of the difference, of each band in
    /// each stratum ([stratum][band]).
    std::vector<std::vector<float>> band_bias, band_sigma;
    /// A cell is changed when its smoothed band departure (root mean square over the bands, in
    /// noise sigmas) reaches this. 3.0 was chosen on the OSCD tuning cities (see docs/activity.md).
    double threshold = 3.0;
    std::string method = "default"; ///< "default" or "user"
    double hysteresis = 0.6;        ///< cells at ≥ 0.6 × threshold join a patch that has one above it
    /// Cells that are dense vegetation in both dates need this many times the threshold.
    double stays_vegetation_factor = 2.0;
    CoverRules cover;
};

/// Fits @p t's strata and each stratum's median difference and spread of every band, from sample
/// pixels of both dates (one vector per band: blue, green, red, nir[, swir1]; the after date already
/// normalised). A stratum with fewer than 10 samples keeps no difference and the spread of all
/// samples of its band.
void fit_strata(const std::vector<std::vector<float>>& before,
                const std::vector<std::vector<float>>& after,
                ChangeThresholds& t);

/// Signed departure of each image cell of @p cells (row-major, one vector per band): its after
/// value, less its stratum's median difference (and less @p background), from the range its before
/// 3×3 neighbourhood spans, in units of the band's spread in the cell's stratum: 0 inside the
/// range, after − max above it, after − min below it.
///
/// An edge displaced by up to a pixel (misregistration between the dates) leaves each after value
/// within the range of the before values around it, so it departs by 0, while a new road one pixel
/// wide departs by its whole contrast. Invalid cells depart by 0 and invalid neighbours are ignored.
///
/// @param w          the window read, whose cell (0, 0) is image cell (@p row0, @p col0); it holds
///                   @p cells and one cell around them
/// @param background with @p out_against_background: per band, over @p cells, a shift in the
///                   cell's noise sigmas to take off the after value first (the broad change around
///                   it, change_context.h); the departures against it go to @p out_against_background
///                   (the before ranges are computed once for both)
void band_departures(const IndexWindow& w,
                     int row0,
                     int col0,
                     const Window& cells,
                     std::vector<std::vector<float>>& out,
                     const std::vector<std::vector<float>>* background = nullptr,
                     std::vector<std::vector<float>>* out_against_background = nullptr);

/// Change magnitude of the image cells of @p target: the root mean square of the band departures,
/// averaged over the valid cells of the 3×3 neighbourhood. The average keeps a compact change whole
/// while one noisy cell alone falls below the threshold. @p departures as band_departures() gives
/// them for @p target grown by one cell on every side; @p out is row-major over @p target.
void smoothed_magnitude(const IndexWindow& w,
                        int row0,
                        int col0,
                        const std::vector<std::vector<float>>& departures,
                        const Window& target,
                        std::vector<float>& out);

/// @brief The verdict on one pixel.
struct PixelChange
{
    float score; ///< magnitude / threshold (÷ stays_vegetation_factor for dense vegetation): ≥ 1 changed
    std::uint8_t type; ///< ChangeType
};

/// Scores and types one cell from its smoothed magnitude, its magnitude against the broad change
/// around it (see change_context.h) and its indices in both dates.
///
/// A cell vegetated in both dates scores the smaller of the two, so that it must also stand out
/// against its neighbourhood: a stand in autumn colours, a haze plume or a slope lit differently
/// over forest is no activity. Every other cell scores its magnitude: a conversion (vegetation to
/// bare land or water, water to land) is activity however large, and so, on OSCD's tuning cities,
/// is a broad change of bare or built land (a district being graded and built; applying the
/// context there too cost 0.05 of mean F1 there and gained nothing on the generated scenes).
/// Cells that are water in both dates never change (sediment, algae and aquaculture colour water);
/// cells that stay dense vegetation need a stronger change (phenology).
PixelChange classify_pixel(const ChangeThresholds& t,
                           float magnitude,
                           float context_magnitude,
                           float ndvi_before,
                           float ndvi_after,
                           float water_before,
                           float water_after);

} // namespace redline
