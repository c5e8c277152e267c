#include "cell_areas.h"

#include <algorithm>
#include <cmath>
#include <limits>

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

double GeographicCellAreas::cached_row_area(int row)
{
    if (row != m_cached_row) {
        m_cached_area = row_area(row);
        m_cached_row = row;
    }
    return m_cached_area;
}

void GeographicCellAreas::run(int row, int, int count, double* out)
{
    std::fill_n(out, count, cached_row_area(row));
}

bool GeographicCellAreas::uniform_row(int row, double& area)
{
    area = cached_row_area(row);
    return true;
}

LatticeCellAreas::LatticeCellAreas(const Grid& grid, AreaAt cell_area_at, double max_node_distance,
                                   int max_node_cells)
  : m_grid(grid)
  , m_area_at(std::move(cell_area_at))
{
    const double cell = std::max(grid.dx(), grid.dy());
    m_step = std::max(1, std::min(max_node_cells, int(max_node_distance / cell)));
    // Nodes run from index 0 to one step past the last cell on each axis.
    m_node_cache = std::make_shared<NodeCache>();
    m_node_cache->cols = std::size_t(grid.cols() / m_step + 2);
    m_node_cache->rows = std::size_t(grid.rows() / m_step + 2);
}

LatticeCellAreas::NodeCache* LatticeCellAreas::NodeCache::ready()
{
    std::call_once(made, [this] {
        const std::size_t nodes = cols * rows;
        area = std::make_unique<std::atomic<double>[]>(nodes);
        for (std::size_t i = 0; i < nodes; ++i)
            area[i].store(std::numeric_limits<double>::quiet_NaN(), std::memory_order_relaxed);
    });
    return this;
}

LatticeCellAreas::LatticeCellAreas(const LatticeCellAreas& same_grid, AreaAt cell_area_at)
  : m_grid(same_grid.m_grid)
  , m_area_at(std::move(cell_area_at))
  , m_step(same_grid.m_step)
  , m_node_cache(same_grid.m_node_cache)
{
}

void LatticeCellAreas::nodes_for(const Window& window, Nodes& out, NodeCache* cache) const
{
    // Nodes sit on the centres of cells whose index is a multiple of the step, in the whole
    // grid's numbering (so neighbouring windows interpolate between the same nodes); at least two
    // per axis, the last one beyond the window's last cell.
    const int s = m_step;
    auto axis = [s](int first, int count, std::vector<int>& nodes) {
        const int start = (first / s) * s;
        const int last = first + count - 1;
        // A node past the last cell, never on it: a cell on the last node would interpolate
        // towards a node that is not there (read past the end of the row's nodes).
        const int end = std::max(start + s, (last / s + 1) * s);
        nodes.clear();
        for (int n = start; n <= end; n += s)
            nodes.push_back(n);
    };
    axis(window.col0, window.cols, out.cols);
    axis(window.row0, window.rows, out.rows);
    const std::size_t nc = out.cols.size();
    out.area.resize(nc * out.rows.size());
    for (std::size_t j = 0; j < out.rows.size(); ++j)
        for (std::size_t i = 0; i < nc; ++i) {
            std::atomic<double>* cached =
              cache ? &cache->area[std::size_t(out.rows[j] / s) * cache->cols + std::size_t(out.cols[i] / s)] : nullptr;
            if (cached) {
                const double known = cached->load(std::memory_order_relaxed);
                if (!std::isnan(known)) {
                    out.area[j * nc + i] = known;
                    continue;
                }
            }
            out.area[j * nc + i] = m_area_at(m_grid.x_of(out.cols[i] + 0.5), m_grid.y_of(out.rows[j] + 0.5));
            if (cached)
                cached->store(out.area[j * nc + i], std::memory_order_relaxed);
        }
}

void LatticeCellAreas::row_nodes(const Nodes& nodes, int row, std::vector<double>& out) const
{
    const int s = m_step;
    const std::size_t nc = nodes.cols.size();
    const std::size_t j = std::size_t((row - nodes.rows[0]) / s);
    const double tv = double(row - nodes.rows[j]) / s;
    const double* top = nodes.area.data() + j * nc;
    const double* bottom = top + nc;
    out.resize(nc);
    for (std::size_t i = 0; i < nc; ++i)
        out[i] = (1 - tv) * top[i] + tv * bottom[i];
}

/// Along a row the bilinear surface is linear between node columns: the row's node values are
/// interpolated once, then each piece is stepped across with one multiplication and one
/// addition per cell.
static void linear_run(const LinearRow& row, int col, int col_end, double* dst)
{
    while (col < col_end) {
        // The piece is a local copy: read through its row, the compiler had to reload the node
        // values every cell (dst could point into them), which kept the loop from being vectorised.
        int next_node = 0;
        const LinearAreas piece = row.piece(col, next_node);
        const int stop = std::min(col_end, next_node);
        for (; col < stop; ++col)
            *dst++ = piece.at(col);
    }
}

void LatticeCellAreas::fill(const Window& window, std::vector<double>& out) const
{
    if (out.size() < window.size())
        out.resize(window.size());
    if (window.empty())
        return;
    Nodes nodes;
    nodes_for(window, nodes);
    std::vector<double> row_values;
    for (int r = 0; r < window.rows; ++r) {
        row_nodes(nodes, window.row0 + r, row_values);
        linear_run(LinearRow{ nodes.cols.data(), row_values.data(), m_step }, window.col0, window.col_end(),
                   out.data() + std::size_t(r) * window.cols);
    }
}

void LatticeCellAreas::prepare(const Window& window)
{
    m_prepared_row = -1;
    if (!window.empty())
        nodes_for(window, m_prepared, m_node_cache->ready());
}

void LatticeCellAreas::ready_row(int row)
{
    if (row != m_prepared_row) {
        row_nodes(m_prepared, row, m_prepared_row_nodes);
        m_prepared_row = row;
    }
}

void LatticeCellAreas::run(int row, int col, int count, double* out)
{
    if (count <= 0)
        return;
    LinearRow pieces;
    linear_row(row, pieces);
    linear_run(pieces, col, col + count, out);
}

bool LatticeCellAreas::linear_row(int row, LinearRow& out)
{
    ready_row(row);
    out = LinearRow{ m_prepared.cols.data(), m_prepared_row_nodes.data(), m_step };
    return true;
}

} // namespace redline
