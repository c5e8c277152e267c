#pragma once

#include "ellipsoid.h"
#include "grid.h"
#include "linear_areas.h"

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace redline {

/// @brief The areas of a grid row's cells as linear pieces between lattice nodes: a cell of
/// column c in [node_cols[i], node_cols[i + 1]) has the area node_values[i] + slope ×
/// (c − node_cols[i]), slope = (node_values[i + 1] − node_values[i]) / step.
struct LinearRow
{
    const int* node_cols = nullptr; ///< grid columns, step apart
    const double* node_values = nullptr;
    int step = 1;

    /// The piece that grid column @p col lies in; @p next_node is set to the column of its
    /// right node, where the next piece begins.
    LinearAreas piece(int col, int& next_node) const
    {
        const std::size_t i = std::size_t((col - node_cols[0]) / step);
        next_node = node_cols[i + 1];
        return LinearAreas{ node_values[i], (node_values[i + 1] - node_values[i]) / step, node_cols[i] };
    }
};

/// @brief Ellipsoidal area (m²) of each cell of a grid window.
class CellAreas
{
public:
    virtual ~CellAreas() = default;
    /// Writes the cells' areas (window.rows × window.cols, row-major) to the start of @p out,
    /// growing it when it is smaller and never shrinking it: a raster pass alternates full and
    /// narrow edge windows, and growing a vector back zeroes every new element first (8 MB a
    /// band of a district raster, 5 % of a pass), only to overwrite them.
    virtual void fill(const Window& window, std::vector<double>& out) const = 0;

    /// Readies run() for the rows of @p window. A consumer that weighs only some cells of a window
    /// (those a zone covers) asks for just those, a row at a time, from a buffer that stays in
    /// cache, instead of a window-sized array written by fill() and read back (perf: a quarter of
    /// a district pass went to that array's memory traffic).
    virtual void prepare(const Window& window) = 0;
    /// Writes the areas of the cells [col, col + count) of grid row @p row, a row of the window
    /// given to prepare(), to @p out: the same values, to the bit, as fill() of that window.
    virtual void run(int row, int col, int count, double* out) = 0;
    /// When every cell of grid row @p row has the same area (a grid in longitude/latitude), sets
    /// @p area to it (the value run() writes for each, to the bit) and returns true: a consumer
    /// then weighs the row's cells by one number instead of an array of copies (perf: writing and
    /// reading those copies took a fifth of a municipality-size pass).
    virtual bool uniform_row(int row, double& area)
    {
        (void)row;
        (void)area;
        return false;
    }
    /// When the areas of grid row @p row (of the window given to prepare()) are linear between
    /// lattice nodes, describes them in @p out (valid until the next call) and returns true: a
    /// consumer can then weigh a run of cells of one class in closed form (add_class_runs)
    /// instead of an area per cell.
    virtual bool linear_row(int row, LinearRow& out)
    {
        (void)row;
        (void)out;
        return false;
    }
};

/// @brief Cells of a grid in longitude/latitude degrees: each row's area in closed form
/// (Ellipsoid::quadrangle_area), so cells shrink with latitude exactly.
class GeographicCellAreas : public CellAreas
{
public:
    GeographicCellAreas(const Grid& grid, const Ellipsoid& ellipsoid);
    void fill(const Window& window, std::vector<double>& out) const override;
    void prepare(const Window&) override {}
    void run(int row, int col, int count, double* out) override;
    bool uniform_row(int row, double& area) override;
    double row_area(int row) const;

private:
    /// row_area(@p row), computed once for consecutive requests of the same row (a row is asked
    /// for once per zone that covers part of it).
    double cached_row_area(int row);

    Grid m_grid;
    Ellipsoid m_ellipsoid;
    int m_cached_row = -1;
    double m_cached_area = 0.0;
};

/// @brief Cells of a projected grid: the ellipsoidal area of a cell varies smoothly with its
/// position (the projection's areal scale), so it is computed exactly at lattice nodes and
/// interpolated bilinearly in between.
///
/// With nodes h ≤ 2 km apart, the interpolation error is at most h²/8 × 2/R² ≈ 2.5e-8 of a
/// cell's area for transverse Mercator projections (the areal scale's second derivative is about
/// 2/R²). Nodes were 128 cells apart at most: on 3.3 m cells that was 20,000 nodes for a
/// municipality, each four inverse projections and a geodesic area, a fifth of a pass on two
/// threads; the cap of 1,024 cells only bounds a node's reach on very fine grids. The exact area
/// at a node comes from @p cell_area_at (x, y of the cell centre), e.g. the geodesic area of the
/// cell's corners turned into longitude/latitude.
class LatticeCellAreas : public CellAreas
{
public:
    using AreaAt = std::function<double(double x, double y)>;
    LatticeCellAreas(const Grid& grid, AreaAt cell_area_at, double max_node_distance = 2000.0,
                     int max_node_cells = 1024);
    /// The same lattice on @p same_grid's grid, its node areas shared with @p same_grid (and every
    /// other sharing them): the threads of a pass each have their own LatticeCellAreas (their own
    /// @p cell_area_at, whose PROJ objects are not shared), and a node computed by one is read by
    /// the others instead of being computed again by each (perf: with two threads each computed
    /// nearly every node of a district, 4 inverse projections and a geodesic area apiece).
    LatticeCellAreas(const LatticeCellAreas& same_grid, AreaAt cell_area_at);
    void fill(const Window& window, std::vector<double>& out) const override;
    void prepare(const Window& window) override;
    void run(int row, int col, int count, double* out) override;
    bool linear_row(int row, LinearRow& out) override;
    int node_step() const { return m_step; }

private:
    /// The lattice nodes around @p window and their areas (what fill() and prepare() compute).
    struct Nodes
    {
        std::vector<int> cols, rows;
        std::vector<double> area; ///< rows.size() × cols.size()
    };
    /// Every node's area once computed, NaN before, row-major over the whole grid's nodes. Two
    /// threads may compute the same node at once: both write the same bits (a node's area
    /// depends on its position only), so no lock is taken. The table is made on the first
    /// prepare() of any lattice sharing it: one that is only asked to fill() windows (change
    /// detection) has none.
    struct NodeCache
    {
        std::size_t cols = 0, rows = 0;
        std::once_flag made;
        std::unique_ptr<std::atomic<double>[]> area;
        NodeCache* ready();
    };
    /// With @p cache, node areas computed for an earlier window are reused (prepare(): windows
    /// share their edge nodes, and each node costs four inverse projections and a geodesic area).
    void nodes_for(const Window& window, Nodes& out, NodeCache* cache = nullptr) const;
    /// Interpolates the prepared window's node areas for grid row @p row, unless done last.
    void ready_row(int row);
    /// Interpolates the node areas of grid row @p row between the node rows around it.
    void row_nodes(const Nodes& nodes, int row, std::vector<double>& out) const;

    Grid m_grid;
    AreaAt m_area_at;
    int m_step;
    Nodes m_prepared;                  ///< of the window given to prepare()
    std::shared_ptr<NodeCache> m_node_cache; ///< shared with the LatticeCellAreas made from this one
    int m_prepared_row = -1;           ///< the row m_prepared_row_nodes was interpolated for
    std::vector<double> m_prepared_row_nodes;
};

} // namespace redline
