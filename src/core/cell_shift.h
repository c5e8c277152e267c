#pragma once

#include <cmath>

namespace redline {

/// @brief A translation between the two dates of an image pair, in cells of the before grid:
/// +dx to the right (east on a north-up grid), +dy down (south). As measured, it says where the
/// after image shows what the before image shows at a cell; as a correction, the after image is
/// read moved back by it.
struct CellShift
{
    double dx = 0, dy = 0;

    double length() const { return std::hypot(dx, dy); }
    bool is_zero() const { return dx == 0 && dy == 0; }
};

} // namespace redline
