#include "zonal_accumulator.h"

#include "class_runs.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace redline {

void ZonalAccumulator::add(const ValueWindow& cells, const std::vector<RasterZone>& zones,
                           std::vector<ZoneClassAreas>& out)
{
    out.resize(zones.size());
    for (std::size_t z = 0; z < zones.size(); ++z) {
        add_zone(cells, *zones[z].zone, out[z].all);
        if (zones[z].in_mask)
            add_zone(cells, *zones[z].in_mask, out[z].in_mask);
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
        add_zone(cells, *zones[z].zone, areas.all);
        if (zones[z].in_mask)
            add_zone(cells, *zones[z].in_mask, areas.in_mask);
    }
    return out;
}

void ZonalAccumulator::add_zone(const ValueWindow& cells, const CoverageRasterizer& zone, ClassHistogram& out)
{
    // The zone's coverage of the window is made and weighed band_rows rows at a time: the deltas
    // of a band (8 bytes a cell, ~1 MB for a 4,096-column window) stay in the core's cache
    // between being written and read, and the buffer's pages are few to fault in (a whole
    // window's deltas were 8 MB a thread; zeroing fresh pages cost a district run more CPU than
    // decoding). The rows are weighed in the same order, into the same sums, as in one go: the
    // same bits.
    constexpr int band_rows = 32;
    const Window& win = cells.window;
    const Window touched = win.intersection(zone.footprint());
    if (touched.empty())
        return;
    if (cells.bytes)
        for (auto& bank : m_byte_sums)
            bank.fill(0.0);
    for (int row0 = touched.row0; row0 < touched.row_end(); row0 += band_rows) {
        const Window band{ win.col0, row0, win.cols, std::min(band_rows, touched.row_end() - row0) };
        if (zone.deltas(band, m_coverage).empty())
            continue;
        if (cells.bytes)
            add_byte_cells(cells.bytes, cells);
        else
            add_cells(cells.values, cells, out);
    }
    if (cells.bytes)
        flush_byte_sums(cells, out);
}

namespace {

/// The areas of a row whose cells all have the same area: areas[c] is that area for every c.
struct UniformRowAreas
{
    double area;
    double operator[](int) const { return area; }
};

/// The areas of a row that are linear between lattice nodes (CellAreas::linear_row), by local
/// column of a window whose first grid column is @p col0. Cells are asked for left to right, so
/// the piece of the last one is kept.
class LinearRowAreas
{
public:
    struct Piece
    {
        LinearAreas areas; ///< in local columns
        int end = 0;       ///< the local column where the next piece begins
    };
    LinearRowAreas(const LinearRow& row, int col0)
      : m_row(row)
      , m_col0(col0)
    {
    }
    const Piece& piece_at(int c) const
    {
        if (c < m_begin || c >= m_piece.end) {
            int next_node = 0;
            m_piece.areas = m_row.piece(c + m_col0, next_node);
            m_piece.areas.node -= m_col0;
            m_piece.end = next_node - m_col0;
            m_begin = m_piece.areas.node;
        }
        return m_piece;
    }
    double operator[](int c) const { return piece_at(c).areas.at(c); }

private:
    LinearRow m_row;
    int m_col0;
    mutable Piece m_piece;
    mutable int m_begin = 0;
};

/// One row of for_each_weighted_cell: the cells [begin, cols) of row @p r, whose deltas are
/// @p row (zeroed on the way, the sink at cols too), weighed by @p areas; @p areas_past_last(from)
/// readies the areas of the cells [from, cols) before they are weighed (only when they are: past
/// the last delta a row is often outside the zone).
template<typename Areas, typename AreasPastLast, typename Visit, typename VisitRun>
void weigh_row(CoverageDeltas& d, double* row, int r, int begin, int last, const Areas& areas,
               AreasPastLast&& areas_past_last, Visit& visit, VisitRun& visit_run)
{
    const int cols = d.window.cols;
    // Rounding leaves ±1e-16 where the true value is 0 or 1.
    auto clamp = [](double v) { return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v); };
    double running = 0.0;
    int c = begin;
    while (c <= last) {
        // Deltas sit where edges cross a row; between them the coverage stays what it is
        // (inside a zone, 1). Blocks of 64 columns that received no delta are skipped without
        // reading them (the deltas are 8 bytes a cell: reading them all was the pass's main
        // memory traffic, and two threads shared it); within the others, runs without deltas
        // are found four cells at a time. Either way a run's cells are weighed without the
        // running sum; adding 0 changed no sum, so the figures are the same bits.
        if (!d.touched_block(r, c)) {
            int e = ((c >> 6) + 1) << 6;
            while (e <= last && !d.touched_block(r, e))
                e += 64;
            e = std::min(e, last + 1);
            const double f = clamp(running);
            if (f > 1e-14)
                visit_run(r, c, e, f, areas);
            c = e;
            continue;
        }
        const int block_end = std::min(((c >> 6) + 1) << 6, last + 1);
        while (c < block_end) {
            if (row[c] != 0.0) {
                running += row[c];
                row[c] = 0.0;
                const double f = clamp(running);
                if (f > 1e-14)
                    visit(r, c, f, areas);
                ++c;
                continue;
            }
            int e = c + 1;
            for (std::uint64_t bits[4]; e + 4 <= block_end; e += 4) {
                std::memcpy(bits, row + e, sizeof bits);
                if (((bits[0] | bits[1] | bits[2] | bits[3]) << 1) != 0) // << 1: -0.0 is a zero delta too
                    break;
            }
            while (e < block_end && row[e] == 0.0)
                ++e;
            const double f = clamp(running);
            if (f > 1e-14)
                visit_run(r, c, e, f, areas);
            c = e;
        }
    }
    row[cols] = 0.0; // the sink
    // Past the last delta the coverage stays as it is: 1 inside a polygon wider than the window.
    const double rest = clamp(running);
    if (rest > 1e-14 && last + 1 < cols) {
        areas_past_last(last + 1);
        visit_run(r, last + 1, cols, rest, areas);
    }
}

/// Calls @p visit(r, c, fraction, areas) for every cell of @p d with a non-zero fraction, row by
/// row, where areas[c] is the cell's area, and leaves the deltas zeroed (as for_each_covered_cell);
/// a run of cells [c, end) of one row with the same fraction goes to @p visit_run(r, c, end,
/// fraction, areas) instead, which must do what visit would do for each, in order.
/// With the window's areas given row by row (ValueWindow::area_rows), only the covered cells'
/// areas are computed, into @p row_areas; for a row whose cells share one area (a geographic
/// grid) `areas` is that one number (UniformRowAreas): the same values, without writing and
/// reading a copy per cell; for a row of a projected grid whose values run long (@p
/// long_runs(r, from, to) of its cells [from, to)), `areas` are its linear pieces
/// (LinearRowAreas), so that visit_run can weigh a run of one class at once. The visitors take
/// every kind.
template<typename Visit, typename VisitRun, typename LongRuns>
void for_each_weighted_cell(CoverageDeltas& d, const ValueWindow& cells, std::vector<double>& row_areas, Visit&& visit,
                            VisitRun&& visit_run, LongRuns&& long_runs)
{
    const Window& w = d.window;
    const Window& win = cells.window;
    const std::size_t stride = d.stride();
    if (cells.area_rows && row_areas.size() < std::size_t(w.cols))
        row_areas.resize(std::size_t(w.cols));
    for (int r = 0; r < w.rows; ++r) {
        double* row = d.deltas.data() + std::size_t(r) * stride;
        const int begin = d.begin[std::size_t(r)];
        const int end = d.end[std::size_t(r)];
        if (begin > end)
            continue;
        const int last = std::min(end, w.cols - 1);
        double uniform = 0.0;
        LinearRow linear;
        if (cells.area_rows && cells.area_rows->uniform_row(w.row0 + r, uniform)) {
            weigh_row(d, row, r, begin, last, UniformRowAreas{ uniform }, [](int) {}, visit, visit_run);
        } else if (cells.area_rows && long_runs(r, begin, w.cols) && cells.area_rows->linear_row(w.row0 + r, linear)) {
            weigh_row(d, row, r, begin, last, LinearRowAreas(linear, w.col0), [](int) {}, visit, visit_run);
        } else if (cells.area_rows) {
            cells.area_rows->run(w.row0 + r, w.col0 + begin, last - begin + 1, row_areas.data() + begin);
            weigh_row(
              d, row, r, begin, last, row_areas.data(),
              [&](int from) { cells.area_rows->run(w.row0 + r, w.col0 + from, w.cols - from, row_areas.data() + from); },
              visit, visit_run);
        } else {
            const double* areas = cells.cell_areas + std::size_t(w.row0 - win.row0 + r) * std::size_t(win.cols) +
                                  std::size_t(w.col0 - win.col0);
            weigh_row(d, row, r, begin, last, areas, [](int) {}, visit, visit_run);
        }
    }
}

} // namespace

void ZonalAccumulator::add_byte_cells(const std::uint8_t* values, const ValueWindow& cells)
{
    // Inside a zone long runs of cells share a class, and adding each to the same sum makes
    // every addition wait for the one before (perf: 40 % of the accumulation loop on that one
    // store). Column c goes to sum c mod 8 of its class, the eight added together at the end in a
    // fixed order: the same cells in the same order whatever the threads, so the figures stay
    // identical however the work is split. (Four sums still left each one waiting on its last
    // store: a load, an addition and a store forwarded take ~10 cycles; eight took 22 % off the
    // accumulation at municipality size.)
    // add_cells() keeps the plain loop for integer rasters: folding both into one template (bytes
    // into the same sums, other values to the map) measured 10 % more CPU on a district pass.
    std::array<std::array<double, 256>, 8>& sums = m_byte_sums;
    const Window& sub = m_coverage.window;
    const Window& win = cells.window;
    const std::size_t stride = std::size_t(win.cols);
    const std::size_t origin = std::size_t(sub.row0 - win.row0) * stride + std::size_t(sub.col0 - win.col0);
    // Nodata cells go to the sums of their value like any other, taken out as nodata at the end:
    // no test per cell.
    double* const bank[8] = { sums[0].data(), sums[1].data(), sums[2].data(), sums[3].data(),
                              sums[4].data(), sums[5].data(), sums[6].data(), sums[7].data() };
    auto visit = [&](int r, int c, double fraction, const auto& areas) {
        const std::uint8_t v = values[origin + std::size_t(r) * stride + std::size_t(c)];
        bank[std::size_t(c) & 7][v] += fraction * areas[c];
    };
    auto visit_run = [&](int r, int c, int end, double fraction, const auto& areas) {
        const std::uint8_t* row = values + origin + std::size_t(r) * stride;
        // Whole cells (inside a zone, nearly all) are weighed a run of one class at a time
        // where their areas are linear along the row (add_class_runs).
        if constexpr (std::is_same_v<std::decay_t<decltype(areas)>, LinearRowAreas>) {
            if (fraction == 1.0) {
                while (c < end) {
                    const LinearRowAreas::Piece& piece = areas.piece_at(c);
                    const int stop = std::min(end, piece.end);
                    add_class_runs(row, c, stop, piece.areas, bank);
                    c = stop;
                }
                return;
            }
        }
        // The cells of a run in eights, cell c always to sum c mod 8: the same additions in the
        // same order as cell by cell. Inside a zone the fraction is 1, and 1 × area is the area.
        for (; c < end && (c & 7) != 0; ++c)
            bank[c & 7][row[c]] += fraction * areas[c];
        if (fraction == 1.0) {
            for (; c + 8 <= end; c += 8)
                for (int k = 0; k < 8; ++k)
                    bank[k][row[c + k]] += areas[c + k];
        } else {
            for (; c + 8 <= end; c += 8)
                for (int k = 0; k < 8; ++k)
                    bank[k][row[c + k]] += fraction * areas[c + k];
        }
        for (; c < end; ++c)
            bank[c & 7][row[c]] += fraction * areas[c];
    };
    for_each_weighted_cell(m_coverage, cells, m_row_areas, visit, visit_run, [&](int r, int from, int to) {
        // The first 256 cells tell how the row runs, at a fraction of the cost of all.
        return long_runs(values + origin + std::size_t(r) * stride, from, std::min(to, from + 256));
    });
}

void ZonalAccumulator::flush_byte_sums(const ValueWindow& cells, ClassHistogram& out) const
{
    const std::array<std::array<double, 256>, 8>& sums = m_byte_sums;
    const int nodata = cells.nodata && *cells.nodata >= 0 && *cells.nodata < 256 ? *cells.nodata : -1;
    for (std::size_t v = 0; v < 256; ++v) {
        const double a = ((sums[0][v] + sums[1][v]) + (sums[2][v] + sums[3][v])) +
                         ((sums[4][v] + sums[5][v]) + (sums[6][v] + sums[7][v]));
        if (a == 0.0)
            continue;
        if (int(v) == nodata)
            out.add_nodata(a);
        else
            out.add(std::int64_t(v), a);
    }
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
    auto visit = [&](int r, int c, double fraction, const auto& areas) {
        const std::size_t i = origin + std::size_t(r) * stride + std::size_t(c);
        const double weighted = fraction * areas[c];
        const std::int32_t v = std::int32_t(values[i]);
        if (has_nodata && v == nodata)
            out.add_nodata(weighted);
        else
            out.add(v, weighted);
    };
    for_each_weighted_cell(
      m_coverage, cells, m_row_areas, visit,
      [&](int r, int c, int end, double fraction, const auto& areas) {
          for (; c < end; ++c)
              visit(r, c, fraction, areas);
      },
      [](int, int, int) { return false; }); // runs of integer values are weighed cell by cell
}

} // namespace redline
