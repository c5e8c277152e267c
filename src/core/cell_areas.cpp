#include "cell_areas.h"

#include <algorithm>
#include <cmath>

namespace redline {

GeographicCellAreas::GeographicCellAreas(const Grid& grid, const Ellipsoid& ellipsoid)
  : m_grid(grid)
  , m_ellipsoid(ellipsoid)
{
}

double GeographicCellAreas::row_area(int row) const
{
    return m_ellipsoid.quadrangle_area(m_grid.y_of(row + 1), m_grid.y_of(row), m_grid.dx());
}

void GeographicCellAreas::fill(const Window& window, std::vector<double>& out) const
{
    if (out.size() < window.size())
        out.resize(window.size());
    for (int r = 0; r < window.rows; ++r) {
        const double a = row_area(window.row0 + r);
        std::fill_n(out.begin() + std::ptrdiff_t(r) * window.cols, window.cols, a);
    }
}

LatticeCellAreas::LatticeCellAreas(const Grid& grid, AreaAt cell_area_at, double max_node_distance,
                                   int max_node_cells)
  : m_grid(grid)
  , m_area_at(std::move(cell_area_at))
{
    const double cell = std::max(grid.dx(), grid.dy());
    m_step = std::max(1, std::min(max_node_cells, int(max_node_distance / cell)));
}

void LatticeCellAreas::fill(const Window& window, std::vector<double>& out) const
{
    if (out.size() < window.size())
        out.resize(window.size());
    if (window.empty())
        return;
    // Nodes sit on the centres of cells whose index is a multiple of the step, in the whole
    // grid's numbering (so neighbouring windows interpolate between the same nodes); at least two
    // per axis, the last one at or beyond the window's last cell.
    const int s = m_step;
    auto nodes_for = [s](int first, int count) {
        const int start = (first / s) * s;
        const int last = first + count - 1;
        const int end = std::max(start + s, ((last + s - 1) / s) * s);
        std::vector<int> nodes;
        for (int n = start; n <= end; n += s)
            nodes.push_back(n);
        return nodes;
    };
    const std::vector<int> cols = nodes_for(window.col0, window.cols);
    const std::vector<int> rows = nodes_for(window.row0, window.rows);
    const std::size_t nc = cols.size();
    std::vector<double> node_area(nc * rows.size());
    for (std::size_t j = 0; j < rows.size(); ++j)
        for (std::size_t i = 0; i < nc; ++i)
            node_area[j * nc + i] = m_area_at(m_grid.x_of(cols[i] + 0.5), m_grid.y_of(rows[j] + 0.5));

    // Along a row the bilinear surface is linear between node columns: interpolate the row's
    // node values once, then step across each interval with one addition per cell.
    std::vector<double> row_nodes(nc);
    for (int r = 0; r < window.rows; ++r) {
        const int row = window.row0 + r;
        const std::size_t j = std::size_t((row - rows[0]) / s);
        const double tv = double(row - rows[j]) / s;
        const double* top = node_area.data() + j * nc;
        const double* bottom = top + nc;
        for (std::size_t i = 0; i < nc; ++i)
            row_nodes[i] = (1 - tv) * top[i] + tv * bottom[i];
        double* dst = out.data() + std::size_t(r) * window.cols;
        int col = window.col0;
        const int col_end = window.col_end();
        while (col < col_end) {
            const std::size_t i = std::size_t((col - cols[0]) / s);
            const double slope = (row_nodes[i + 1] - row_nodes[i]) / s;
            const int stop = std::min(col_end, cols[i + 1]);
            for (; col < stop; ++col)
                *dst++ = row_nodes[i] + slope * double(col - cols[i]);
        }
    }
}

} // namespace redline
