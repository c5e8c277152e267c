#pragma once

#include "cell_shift.h"

#include <cstddef>

namespace redline {

/// @brief Reading a raster on its own grid moved by a constant shift: what the misregistration
/// correction of an after image on the before grid needs, without a general warp.
///
/// The cell (c, r) of the result shows what the raster shows at (c + dx, r + dy): with
/// kx = floor(dx), fx = dx − kx (and likewise for rows), the bilinear interpolation of the four
/// raster cells (c + kx, r + ky) .. (c + kx + 1, r + ky + 1) with weights (1 − fx)(1 − fy),
/// fx(1 − fy), (1 − fx)fy, fx·fy: the same weights for every cell, because the shift is the same
/// everywhere. Nearest-cell reading (masks) takes the cell (c + round(dx), r + round(dy)).
struct CellTranslation
{
    int kx = 0, ky = 0;      ///< whole cells
    double fx = 0, fy = 0;   ///< fractions, in [0, 1)
    int nearest_x = 0, nearest_y = 0;

    explicit CellTranslation(const CellShift& shift);
};

/// Fills @p out (@p cols × @p rows, row-major) from @p source, the (@p cols + 1) × (@p rows + 1)
/// raster cells starting at (c + kx, r + ky) with NaN where there is no data: each result cell
/// is the bilinear interpolation of its four source cells, NaN when one with a non-zero weight
/// is NaN (no value is made up from part of its neighbours).
void translate_bilinear(const float* source, int cols, int rows, const CellTranslation& t, float* out);

} // namespace redline
