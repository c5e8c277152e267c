#pragma once

#include <cstddef>
#include <vector>

namespace redline {

/// @brief A linear map of one band of the later image onto the earlier one's radiometry.
struct BandFit
{
    double gain = 1.0;
    double offset = 0.0;
    std::size_t invariant_pixels = 0; ///< pseudo-invariant pixels of the last fit
    double rmse = 0.0;                ///< residual of those pixels, reflectance units

    float apply(float after) const { return float(gain * after + offset); }
};

/// Relative radiometric normalisation: fits, band by band, before ≈ gain × after + offset on
/// pseudo-invariant pixels, so that a global brightness, atmosphere or phenology difference between
/// the dates is not reported as change.
///
/// The invariant pixels are found iteratively: fit on all samples, score each pixel by its
/// standardised residual over all bands, keep the @p keep_fraction least changed, refit (the
/// scheme of iterative PIF selection; changes are a small minority inside a red line). @p before
/// and @p after hold one sample vector per band, pixel-aligned.
std::vector<BandFit> fit_relative_normalization(const std::vector<std::vector<float>>& before,
                                                const std::vector<std::vector<float>>& after, int iterations = 4,
                                                double keep_fraction = 0.5);

} // namespace redline
