#pragma once

#include "cell_areas.h"
#include "class_area_totals.h"
#include "class_histogram.h"
#include "coverage_fraction.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace redline {

/// @brief A zone as the raster pass sees it: its polygon, and optionally its part inside a mask,
/// each ready to give exact cell coverage on the raster's grid.
struct RasterZone
{
    std::shared_ptr<const CoverageRasterizer> zone;
    std::shared_ptr<const CoverageRasterizer> in_mask; ///< null when no mask applies
};

/// @brief What the raster pass learns about one zone: class areas inside the zone and inside
/// its masked part, weighted by exact coverage fraction × ellipsoidal cell area.
struct ZoneClassAreas
{
    ClassHistogram all;
    ClassHistogram in_mask;

    void merge(const ZoneClassAreas& other)
    {
        all.merge(other.all);
        in_mask.merge(other.in_mask);
    }
};

/// @brief A zone's class areas over many windows, summed exactly (independent of window order).
struct ZoneClassTotals
{
    ClassAreaTotals all;
    ClassAreaTotals in_mask;

    void add(const ZoneClassAreas& window)
    {
        all.add(window.all);
        in_mask.add(window.in_mask);
    }
    void add(const ZoneClassTotals& other)
    {
        all.add(other.all);
        in_mask.add(other.in_mask);
    }
    bool operator==(const ZoneClassTotals& o) const { return all == o.all && in_mask == o.in_mask; }
};

/// @brief The cells of one raster window: values, nodata rule and cell areas.
///
/// Byte rasters (nearly every land-cover product) are read as bytes, others as 32-bit integers:
/// exactly one of `bytes` and `values` is set.
struct ValueWindow
{
    Window window;
    const std::int32_t* values = nullptr; ///< window.rows × window.cols, row-major
    const std::uint8_t* bytes = nullptr;  ///< the same, for Byte rasters
    const double* cell_areas = nullptr;   ///< same layout, m²
    /// Instead of cell_areas: the areas, prepared for this window, asked for row by row and for
    /// the covered cells only (see CellAreas::prepare).
    CellAreas* area_rows = nullptr;
    std::optional<std::int32_t> nodata;
};

/// @brief Adds the cells of raster windows to per-zone class areas.
///
/// Holds the scratch buffers of one thread; give each thread its own.
class ZonalAccumulator
{
public:
    /// Adds @p cells to @p out (one entry per zone, same order as @p zones).
    void add(const ValueWindow& cells, const std::vector<RasterZone>& zones, std::vector<ZoneClassAreas>& out);

    /// The class areas of one window, for the zones the window touches only (by zone index,
    /// increasing): most windows meet a few zones, and a sparse result stays small.
    using WindowResult = std::vector<std::pair<std::size_t, ZoneClassAreas>>;
    WindowResult add(const ValueWindow& cells, const std::vector<RasterZone>& zones);

private:
    /// Adds the cells of @p cells that @p zone covers to @p out.
    void add_zone(const ValueWindow& cells, const CoverageRasterizer& zone, ClassHistogram& out);
    /// Adds the cells m_coverage covers to m_byte_sums.
    void add_byte_cells(const std::uint8_t* values, const ValueWindow& cells);
    /// m_byte_sums into @p out, nodata apart.
    void flush_byte_sums(const ValueWindow& cells, ClassHistogram& out) const;
    template<typename T>
    void add_cells(const T* values, const ValueWindow& cells, ClassHistogram& out);
    CoverageDeltas m_coverage;
    std::array<std::array<double, 256>, 8> m_byte_sums; ///< a zone's byte cells, summed by add_byte_cells
    std::vector<double> m_row_areas;                    ///< scratch: one row's cell areas
};

} // namespace redline
