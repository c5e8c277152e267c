#include "zonal_accumulator.h"

namespace redline {

void ZonalAccumulator::add(const ValueWindow& cells, const std::vector<RasterZone>& zones,
                           std::vector<ZoneClassAreas>& out)
{
    out.resize(zones.size());
    for (std::size_t z = 0; z < zones.size(); ++z) {
        if (!zones[z].zone->rasterize(cells.window, m_coverage).empty())
            add_coverage(cells, m_coverage, out[z].all);
        if (zones[z].in_mask && !zones[z].in_mask->rasterize(cells.window, m_coverage).empty())
            add_coverage(cells, m_coverage, out[z].in_mask);
    }
}

void ZonalAccumulator::add_coverage(const ValueWindow& cells, const CoverageWindow& coverage, ClassHistogram& out) const
{
    const Window& sub = coverage.window;
    const Window& win = cells.window;
    const bool has_nodata = cells.nodata.has_value();
    const std::int32_t nodata = has_nodata ? *cells.nodata : 0;
    const double* fraction = coverage.fractions.data();
    for (int r = 0; r < sub.rows; ++r) {
        const std::size_t offset = std::size_t(sub.row0 - win.row0 + r) * std::size_t(win.cols) + std::size_t(sub.col0 - win.col0);
        const std::int32_t* value = cells.values + offset;
        const double* area = cells.cell_areas + offset;
        for (int c = 0; c < sub.cols; ++c, ++fraction) {
            if (*fraction <= 0.0)
                continue;
            const double weighted = *fraction * area[c];
            if (has_nodata && value[c] == nodata)
                out.add_nodata(weighted);
            else
                out.add(value[c], weighted);
        }
    }
}

} // namespace redline
