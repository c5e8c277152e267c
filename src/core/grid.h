#pragma once

#include "box.h"

#include <cstddef>
#include <vector>

namespace redline {

/// @brief A rectangle of cells of a Grid, in the grid's row/column numbering.
struct Window
{
    int col0 = 0;
    int row0 = 0;
    int cols = 0;
    int rows = 0;

    bool empty() const { return cols <= 0 || rows <= 0; }
    std::size_t size() const { return empty() ? 0 : std::size_t(cols) * std::size_t(rows); }
    int col_end() const { return col0 + cols; }
    int row_end() const { return row0 + rows; }

    /// The cells this window shares with @p other (empty when they do not meet).
    Window intersection(const Window& other) const;
};

/// @brief A north-up raster grid: top-left corner, cell size and shape.
///
/// Rows count downwards from the top edge (y decreases with the row), columns rightwards from
/// the left edge. The grid knows nothing of the raster's values or CRS.
class Grid
{
public:
    Grid() = default;
    Grid(double x_left, double y_top, double dx, double dy, int cols, int rows);

    double x_left() const { return m_x_left; }
    double y_top() const { return m_y_top; }
    double dx() const { return m_dx; }
    double dy() const { return m_dy; }
    int cols() const { return m_cols; }
    int rows() const { return m_rows; }
    Box extent() const;

    /// Fractional column of x (0 at the left edge, cols at the right edge).
    double col_of(double x) const { return (x - m_x_left) / m_dx; }
    /// Fractional row of y (0 at the top edge, rows at the bottom edge).
    double row_of(double y) const { return (m_y_top - y) / m_dy; }
    double x_of(double col) const { return m_x_left + col * m_dx; }
    double y_of(double row) const { return m_y_top - row * m_dy; }

    Window full_window() const { return Window{ 0, 0, m_cols, m_rows }; }

    /// The smallest window holding every cell that @p box touches, clipped to the grid.
    Window window_covering(const Box& box) const;

    /// Tiles the grid into windows aligned on the raster's blocks: each window is a band of
    /// @p block_rows rows (a whole number of blocks tall, at least @p min_rows) and as many
    /// whole blocks wide as fit in @p max_cells. Windows are listed row-major.
    std::vector<Window> block_windows(int block_cols, int block_rows, std::size_t max_cells,
                                      int min_rows = 64) const;

private:
    double m_x_left = 0;
    double m_y_top = 0;
    double m_dx = 1;
    double m_dy = 1;
    int m_cols = 0;
    int m_rows = 0;
};

} // namespace redline
