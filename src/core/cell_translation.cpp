#include "cell_translation.h"

#include <cmath>
#include <limits>

namespace redline {

CellTranslation::CellTranslation(const CellShift& shift)
  : kx(int(std::floor(shift.dx)))
  , ky(int(std::floor(shift.dy)))
  , fx(shift.dx - std::floor(shift.dx))
  , fy(shift.dy - std::floor(shift.dy))
  , nearest_x(int(std::floor(shift.dx + 0.5)))
  , nearest_y(int(std::floor(shift.dy + 0.5)))
{
}

void translate_bilinear(const float* source, int cols, int rows, const CellTranslation& t, float* out)
{
    const std::size_t stride = std::size_t(cols) + 1;
    const float w00 = float((1 - t.fx) * (1 - t.fy)), w01 = float(t.fx * (1 - t.fy));
    const float w10 = float((1 - t.fx) * t.fy), w11 = float(t.fx * t.fy);
    // A zero weight must not let its cell's NaN through (0 · NaN is NaN): such cells are left out
    // of the sum, in loops without branches per cell.
    const bool right = t.fx > 0, below = t.fy > 0;
    for (int r = 0; r < rows; ++r) {
        const float* a = source + std::size_t(r) * stride;
        const float* b = below ? a + stride : a;
        float* o = out + std::size_t(r) * std::size_t(cols);
        if (right && below) {
            for (int c = 0; c < cols; ++c)
                o[c] = w00 * a[c] + w01 * a[c + 1] + w10 * b[c] + w11 * b[c + 1];
        } else if (right) {
            for (int c = 0; c < cols; ++c)
                o[c] = w00 * a[c] + w01 * a[c + 1];
        } else if (below) {
            for (int c = 0; c < cols; ++c)
                o[c] = w00 * a[c] + w10 * b[c];
        } else {
            for (int c = 0; c < cols; ++c)
                o[c] = a[c];
        }
    }
}

} // namespace redline
