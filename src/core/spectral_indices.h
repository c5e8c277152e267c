#pragma once

#include <cmath>

namespace redline {

/// @brief The spectral indices change detection compares between dates.
///
/// With shortwave infrared: NDVI, MNDWI (Xu 2006) for water and BSI (Rikimaru 2002) for bare
/// soil and built surfaces. Without it (4-band GF-1/GF-2/GF-6 imagery) the water index is
/// McFeeters' NDWI (green, nir) and the bare index the visible brightness (mean of blue, green,
/// red): both still rise over new quarries, construction and ponds, less selectively.
struct SpectralIndices
{
    float ndvi;
    float water;
    float bare;
};

inline float normalized_difference(float a, float b)
{
    const float s = a + b;
    const float q = (a - b) / s; // computed either way: a select, not a branch, so loops vectorise
    return s > 1e-6f || s < -1e-6f ? q : 0.0f;
}

inline SpectralIndices indices_with_swir(float blue, float green, float red, float nir, float swir1)
{
    return SpectralIndices{ normalized_difference(nir, red), normalized_difference(green, swir1),
                            normalized_difference(swir1 + red, nir + blue) };
}

inline SpectralIndices indices_without_swir(float blue, float green, float red, float nir)
{
    return SpectralIndices{ normalized_difference(nir, red), normalized_difference(green, nir),
                            (blue + green + red) / 3.0f };
}

} // namespace redline
