#pragma once

#include "grid.h"
#include "rings.h"

#include <cstdint>
#include <vector>

namespace redline {

/// @brief Coverage fractions of one polygon over one window of a grid.
struct CoverageWindow
{
    /// The cells the fractions describe (a part of the window that was asked for).
    Window window;
    /// Row-major fractions in [0, 1], window.rows × window.cols.
    std::vector<double> fractions;

    double at(int row, int col) const
    {
        return fractions[std::size_t(row - window.row0) * std::size_t(window.cols) + std::size_t(col - window.col0)];
    }
};

/// @brief Exact fraction of every grid cell covered by a polygon.
///
/// Each edge adds, to the cells it crosses, the signed area between itself and the cell's right
/// edge, and a running sum along the row carries that area to the cells further right (the
/// "signed area accumulation" of analytic font rasterisers). The result is exact for straight
/// edges up to floating-point rounding; it needs no flood fill and no special case for
/// polygons larger than the window, so a district-sized polygon costs no more per cell than a
/// small one. Ring orientation is derived from the coordinates; only the shell/hole role is used.
///
/// Edges are indexed by row band so that a window touches only the edges that cross it.
class CoverageRasterizer
{
public:
    /// @param polygon rings in the grid's coordinate system
    /// @param band_rows height of the row bands that index the edges (use the raster's window height)
    CoverageRasterizer(const Grid& grid, const Rings& polygon, int band_rows = 256);

    /// The cells the polygon's bounding box touches; every other cell has coverage 0.
    const Window& footprint() const { return m_footprint; }

    /// Fills @p out with the fractions over `window ∩ footprint()` and returns that window
    /// (empty when the polygon does not reach @p window).
    const Window& rasterize(const Window& window, CoverageWindow& out) const;

    /// Number of edges kept (horizontal edges contribute nothing and are dropped).
    std::size_t edge_count() const { return m_edges.size(); }

private:
    struct Edge
    {
        // Grid coordinates (columns, rows), with y0 < y1; w is +1 or -1 for direction and role.
        double x0, y0, x1, y1, w;
    };

    void add_edge_rows(const Edge& e, int row_lo, int row_hi, const Window& sub, double* deltas) const;

    Grid m_grid;
    int m_band_rows;
    Window m_footprint;
    std::vector<Edge> m_edges;
    std::vector<std::vector<std::uint32_t>> m_bands; // edge indices per row band
};

} // namespace redline
