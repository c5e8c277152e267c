#pragma once

#include <string>

namespace redline {

/// @brief How the after image is brought onto the before grid.
struct AfterResampling
{
    /// The after image's cell size over the before image's (square root of the ratio of cell
    /// areas, at the centre of the after image, in the before CRS): < 1 when the after cells are smaller.
    double cell_ratio = 1.0;
    bool coarsening = false;    ///< the after cells are smaller (cell_ratio < 0.9)
    std::string bands = "none"; ///< GDAL resampling of the reflectance bands ("none": on the grid as it is)
    std::string masks = "none"; ///< of the quality masks, as the report says it
    std::string why;            ///< one sentence for the report
};

/// The resampling of an after image whose cells are @p cell_ratio times as large as the before
/// image's: "average" when they are smaller by more than 10 % (each before cell then gathers
/// several after cells, and averaging them is what a coarser sensor would have seen; bilinear
/// would sample four of them and alias the rest), bilinear otherwise (no overshoot at sharp
/// edges such as roads, unlike cubic, so resampling never invents a change; its smoothing is less
/// than a cell). Masks: nearest, and when coarsening a cell is left out when invalid codes cover
/// at least 10 % of it (mask_invalid_share).
AfterResampling choose_after_resampling(double cell_ratio);

/// The share of a before cell that invalid mask codes must cover for the cell to be left out
/// when the after mask is coarsened: 10 %. Less would drop cells for mere slivers along the
/// edges of mask cells, that the two grids' misalignment makes everywhere; more would keep cells
/// whose reflectance a cloud already spoils (a tenth of a cell of bright cloud adds about 0.05 to
/// visible reflectance, ten times the noise).
constexpr double mask_invalid_share = 0.10;

} // namespace redline
