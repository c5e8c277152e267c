#pragma once

#include "ellipsoid.h"
#include "grid.h"

#include <functional>
#include <vector>

namespace redline {

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
};

/// @brief Cells of a grid in longitude/latitude degrees: each row's area in closed form
/// (Ellipsoid::quadrangle_area), so cells shrink with latitude exactly.
class GeographicCellAreas : public CellAreas
{
public:
    GeographicCellAreas(const Grid& grid, const Ellipsoid& ellipsoid);
    void fill(const Window& window, std::vector<double>& out) const override;
    double row_area(int row) const;

private:
    Grid m_grid;
    Ellipsoid m_ellipsoid;
};

/// @brief Cells of a projected grid: the ellipsoidal area of a cell varies smoothly with its
/// position (the projection's areal scale), so it is computed exactly at lattice nodes and
/// interpolated bilinearly in between.
///
/// With nodes at most 2 km and 128 cells apart, the interpolation error is below 1e-7 of a
/// cell's area for transverse Mercator projections (the areal scale's second derivative is about
/// 1/R²). The exact area at a node comes from @p cell_area_at (x, y of the cell centre), e.g.
/// the geodesic area of the cell's corners turned into longitude/latitude.
class LatticeCellAreas : public CellAreas
{
public:
    using AreaAt = std::function<double(double x, double y)>;
    LatticeCellAreas(const Grid& grid, AreaAt cell_area_at, double max_node_distance = 2000.0,
                     int max_node_cells = 128);
    void fill(const Window& window, std::vector<double>& out) const override;
    int node_step() const { return m_step; }

private:
    Grid m_grid;
    AreaAt m_area_at;
    int m_step;
};

} // namespace redline
