#pragma once

#include "cell_areas.h"
#include "change_scoring.h"
#include "coverage_fraction.h"
#include "image_pair.h"
#include "radiometric_normalization.h"

#include <memory>
#include <optional>
#include <vector>

namespace redline {

/// @brief What one row band of the image pair says, cell by cell (the window's cells only).
struct WindowChange
{
    Window window;
    std::vector<float> inside;          ///< fraction of the cell inside the red line
    std::vector<std::uint8_t> valid;    ///< both dates have data there
    std::vector<float> ndvi_before, ndvi_after, water_before, water_after, bare_before, bare_after;
    /// The after date's mean reflectance of blue, green, red and nir (for the crop parcel test).
    std::vector<float> brightness_after;
    std::vector<std::uint8_t> stratum;     ///< brightness stratum (with thresholds' strata)
    std::vector<std::uint8_t> level, type; ///< with thresholds: 0 / 1 weak / 2 strong, ChangeType
    std::vector<float> score;
    std::vector<double> cell_area;
    std::array<std::vector<float>, 5> before_bands, after_bands; ///< reflectance, kept for sampling only
};

/// @brief Reads and scores row bands of an image pair; one per thread.
class ChangeWindowReader
{
public:
    /// @param normalization null: the after date as read (for fitting the normalisation)
    /// @param thresholds null: no strata; with strata but no baselines: strata only (for choosing
    ///        the thresholds); complete: every cell classified
    /// @param halo read the two-cell border around each window (needed for exact neighbourhoods
    ///        at window edges; the sampling passes do without, so that scattered sample windows
    ///        decode only their own blocks)
    ChangeWindowReader(const ImageSpec& before, const ImageSpec& after,
                       std::shared_ptr<const CoverageRasterizer> redline, const std::vector<BandFit>* normalization,
                       const ChangeThresholds* thresholds, bool keep_bands, bool halo = true);

    /// Changes what read() computes (the arguments as in the constructor), keeping the open
    /// datasets and whatever their blocks left in GDAL's cache: the calibration passes read the
    /// same sample tiles twice.
    void configure(const std::vector<BandFit>* normalization, const ChangeThresholds* thresholds, bool keep_bands,
                   bool halo);
    /// For a reader that goes down the image (windows in row order): each read drops the cached
    /// blocks above its window (ImagePair::release_rows_above).
    void release_passed_rows(bool release) { m_release = release; }

    /// Reads @p window (plus a two-cell halo) and fills @p out.
    void read(const Window& window, WindowChange& out);
    const ImagePair& images() const { return m_images; }

private:
    // read()'s steps.
    void mark_unanalysed(WindowChange& out) const;
    void fill_indices(const Window& halo, const Window& region, bool swir, std::size_t band_count);
    void copy_window_indices(const Window& window, const Window& region, WindowChange& out) const;
    void classify_cells(WindowChange& out) const;
    void keep_window_bands(const Window& window, const Window& halo, WindowChange& out);

    ImagePair m_images;
    std::shared_ptr<const CoverageRasterizer> m_redline;
    const std::vector<BandFit>* m_normalization;
    const ChangeThresholds* m_thresholds;
    bool m_keep_bands;
    bool m_halo;
    bool m_release = false;
    std::unique_ptr<CellAreas> m_cell_areas;
    BandWindow m_before, m_after;
    IndexWindow m_indices;
    std::vector<std::vector<float>> m_departures, m_background, m_context_departures;
    std::vector<float> m_magnitude, m_context;
    CoverageDeltas m_coverage;
};

/// Normalises the after bands of @p after in place with @p fits (blue, green, red, nir, swir1).
void apply_normalization(const std::vector<BandFit>& fits, BandWindow& after);

} // namespace redline
