#include "grid.h"

#include "error.h"

#include <algorithm>
#include <cmath>

namespace redline {

Window Window::intersection(const Window& other) const
{
    const int c0 = std::max(col0, other.col0);
    const int r0 = std::max(row0, other.row0);
    const int c1 = std::min(col_end(), other.col_end());
    const int r1 = std::min(row_end(), other.row_end());
    if (c1 <= c0 || r1 <= r0)
        return Window{ c0, r0, 0, 0 };
    return Window{ c0, r0, c1 - c0, r1 - r0 };
}

Grid::Grid(double x_left, double y_top, double dx, double dy, int cols, int rows)
  : m_x_left(x_left)
  , m_y_top(y_top)
  , m_dx(dx)
  , m_dy(dy)
  , m_cols(cols)
  , m_rows(rows)
{
    if (!(dx > 0) || !(dy > 0) || !std::isfinite(dx) || !std::isfinite(dy))
        throw InputError("grid cell size must be positive and finite");
    if (cols < 0 || rows < 0)
        throw InputError("grid shape must not be negative");
}

Box Grid::extent() const
{
    return Box{ m_x_left, m_y_top - m_rows * m_dy, m_x_left + m_cols * m_dx, m_y_top };
}

Window Grid::window_covering(const Box& box) const
{
    if (box.empty())
        return Window{};
    // A box edge lying exactly on a cell edge does not pull in the neighbouring cell: such a cell
    // has zero coverage, so leaving it out changes no figure.
    const double c0 = std::floor(col_of(box.xmin));
    const double c1 = std::ceil(col_of(box.xmax));
    const double r0 = std::floor(row_of(box.ymax));
    const double r1 = std::ceil(row_of(box.ymin));
    const double cmin = std::max(0.0, c0);
    const double rmin = std::max(0.0, r0);
    const double cmax = std::min(double(m_cols), c1);
    const double rmax = std::min(double(m_rows), r1);
    if (cmax <= cmin || rmax <= rmin)
        return Window{};
    return Window{ int(cmin), int(rmin), int(cmax - cmin), int(rmax - rmin) };
}

std::vector<Window> Grid::block_windows(int block_cols, int block_rows, std::size_t max_cells, int min_rows) const
{
    block_cols = std::max(1, std::min(block_cols, std::max(1, m_cols)));
    block_rows = std::max(1, std::min(block_rows, std::max(1, m_rows)));
    // Strips (one row high) are grouped into taller bands so that per-window overhead stays small.
    int band_rows = block_rows;
    while (band_rows < min_rows && band_rows + block_rows <= m_rows)
        band_rows += block_rows;
    const std::size_t blocks_across =
      std::max<std::size_t>(1, max_cells / (std::size_t(band_rows) * std::size_t(block_cols)));
    const int window_cols = int(std::min<std::size_t>(blocks_across * block_cols, std::size_t(m_cols)));

    std::vector<Window> windows;
    for (int r = 0; r < m_rows; r += band_rows) {
        for (int c = 0; c < m_cols; c += window_cols) {
            windows.push_back(Window{ c, r, std::min(window_cols, m_cols - c), std::min(band_rows, m_rows - r) });
        }
    }
    return windows;
}

} // namespace redline
