#pragma once

#include "grid.h"
#include "rings.h"

#include <algorithm>
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

/// @brief Coverage of one polygon over one window as signed-area deltas: the fraction of a cell
/// is the running sum of its row's deltas up to and including the cell.
///
/// Deltas are the rasterizer's raw output; consumers that walk the cells anyway (zonal
/// accumulation) sum them on the fly instead of reading a second array of fractions. Only the
/// columns [begin, end] of each row received deltas; cells left of `begin` have coverage 0 and
/// cells after `end` keep the running sum reached at `end` (0, or 1 inside a polygon that
/// extends past the window's right edge). `end` may be window.cols, the sink column.
struct CoverageDeltas
{
    Window window;
    std::vector<double> deltas; ///< window.rows × (window.cols + 1); the last column is a sink
    std::vector<int> begin, end; ///< per row, first and last local column that received deltas
    /// Per row, touched_words() words: bit b of word w set when a delta went to a column of
    /// [64 (64 w + b), 64 (64 w + b) + 64). A consumer can skip the columns of a clear bit without
    /// reading them: inside a zone, nearly all (the deltas sit where edges cross a row).
    std::vector<std::uint64_t> touched;

    std::size_t stride() const { return std::size_t(window.cols) + 1; }
    std::size_t touched_words() const { return (std::size_t(window.cols) + 1 + 4095) / 4096; }
    /// Whether any column of the 64 that column @p col belongs to (local) received a delta in row @p row.
    bool touched_block(int row, int col) const
    {
        return (touched[std::size_t(row) * touched_words() + (std::size_t(col) >> 12)] >> ((col >> 6) & 63)) & 1u;
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

    /// Fills @p out with the deltas over `window ∩ footprint()` and returns that window. The
    /// deltas buffer must be all zero on entry (it is when new, and when the consumer zeroes each
    /// row's [begin, end] after reading it, as for_each_covered_cell() does).
    const Window& deltas(const Window& window, CoverageDeltas& out) const;

    /// Number of edges kept (horizontal edges contribute nothing and are dropped).
    std::size_t edge_count() const { return m_edges.size(); }

private:
    struct Edge
    {
        // Grid coordinates (columns, rows), with y0 < y1; w is +1 or -1 for direction and role.
        double x0, y0, x1, y1, w;
    };

    void add_edge_rows(const Edge& e, int row_lo, int row_hi, CoverageDeltas& out) const;

    Grid m_grid;
    int m_band_rows;
    Window m_footprint;
    std::vector<Edge> m_edges;
    std::vector<std::vector<std::uint32_t>> m_bands; // edge indices per row band
};

/// Calls @p visit(row, col, fraction) for every cell of @p d with a non-zero fraction, row by row,
/// and leaves the deltas buffer zeroed for the next use.
template<typename Visit>
void for_each_covered_cell(CoverageDeltas& d, Visit&& visit)
{
    const Window& w = d.window;
    const std::size_t stride = d.stride();
    for (int r = 0; r < w.rows; ++r) {
        double* row = d.deltas.data() + std::size_t(r) * stride;
        const int begin = d.begin[std::size_t(r)];
        const int end = d.end[std::size_t(r)];
        if (begin > end)
            continue;
        double running = 0.0;
        const int last = std::min(end, w.cols - 1);
        for (int c = begin; c <= last; ++c) {
            running += row[c];
            row[c] = 0.0;
            // Rounding leaves ±1e-16 where the true value is 0 or 1.
            const double f = running < 0.0 ? 0.0 : (running > 1.0 ? 1.0 : running);
            if (f > 1e-14)
                visit(r, c, f);
        }
        row[w.cols] = 0.0; // the sink
        // Past the last delta the coverage stays as it is: 1 inside a polygon wider than the window.
        const double rest = running < 0.0 ? 0.0 : (running > 1.0 ? 1.0 : running);
        if (rest > 1e-14)
            for (int c = last + 1; c < w.cols; ++c)
                visit(r, c, rest);
    }
}

} // namespace redline
