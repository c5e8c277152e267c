#include "zonal_accumulator.h"

namespace redline {

void ZonalAccumulator::add(const ValueWindow& cells, const std::vector<RasterZone>& zones,
                           std::vector<ZoneClassAreas>& out)
{
    out.resize(zones.size());
    for (std::size_t z = 0; z < zones.size(); ++z) {
        if (!zones[z].zone->deltas(cells.window, m_coverage).empty())
            add_coverage(cells, out[z].all);
        if (zones[z].in_mask && !zones[z].in_mask->deltas(cells.window, m_coverage).empty())
            add_coverage(cells, out[z].in_mask);
    }
}

ZonalAccumulator::WindowResult ZonalAccumulator::add(const ValueWindow& cells, const std::vector<RasterZone>& zones)
{
    WindowResult out;
    for (std::size_t z = 0; z < zones.size(); ++z) {
        const Window touched = cells.window.intersection(zones[z].zone->footprint());
        if (touched.empty())
            continue;
        out.emplace_back(z, ZoneClassAreas{});
        ZoneClassAreas& areas = out.back().second;
        if (!zones[z].zone->deltas(cells.window, m_coverage).empty())
            add_coverage(cells, areas.all);
        if (zones[z].in_mask && !zones[z].in_mask->deltas(cells.window, m_coverage).empty())
            add_coverage(cells, areas.in_mask);
    }
    return out;
}

void ZonalAccumulator::add_coverage(const ValueWindow& cells, ClassHistogram& out)
{
    if (cells.bytes)
        add_cells(cells.bytes, cells, out);
    else
        add_cells(cells.values, cells, out);
}

template<typename T>
void ZonalAccumulator::add_cells(const T* values, const ValueWindow& cells, ClassHistogram& out)
{
    const Window& sub = m_coverage.window;
    const Window& win = cells.window;
    const std::size_t stride = std::size_t(win.cols);
    const std::size_t origin = std::size_t(sub.row0 - win.row0) * stride + std::size_t(sub.col0 - win.col0);
    const bool has_nodata = cells.nodata.has_value();
    const std::int32_t nodata = has_nodata ? *cells.nodata : 0;
    const double* areas = cells.cell_areas;
    for_each_covered_cell(m_coverage, [&](int r, int c, double fraction) {
        const std::size_t i = origin + std::size_t(r) * stride + std::size_t(c);
        const double weighted = fraction * areas[i];
        const std::int32_t v = std::int32_t(values[i]);
        if (has_nodata && v == nodata)
            out.add_nodata(weighted);
        else
            out.add(v, weighted);
    });
}

} // namespace redline
