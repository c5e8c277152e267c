#include "coverage_fraction.h"

#include <algorithm>
#include <cmath>

namespace redline {

namespace {

/// Adds one row-piece of an edge, from x = xa to x = xb (local columns) with signed height d, to
/// the deltas of a row. Cell c receives the area of the piece's column part that lies right of the
/// piece; cell c + 1 receives the rest of its height, so that the running sum gives every cell
/// further right the full height.
/// @p begin and @p end widen to the columns written ([begin, end], end may be the sink column).
/// Marks the 64-column blocks of columns [lo, hi] as touched (see CoverageDeltas::touched).
inline void mark(std::uint64_t* touched, int lo, int hi)
{
    for (int b = lo >> 6; b <= hi >> 6; ++b)
        touched[b >> 6] |= std::uint64_t(1) << (b & 63);
}

inline void distribute(double* row, std::uint64_t* touched, int cols, double xa, double xb, double d, int& begin,
                       int& end)
{
    double lx = std::min(xa, xb);
    const double rx = std::max(xa, xb);
    if (rx <= 0.0) {
        row[0] += d; // wholly left of the window: covers every cell of the row to its right
        mark(touched, 0, 0);
        begin = 0;
        end = std::max(end, 0);
        return;
    }
    if (lx >= cols)
        return; // wholly right of the window
    const double fl = std::floor(lx);
    const double fr = std::floor(rx);
    if (fl == fr) {
        const int c = int(fl);
        const double f = 0.5 * (lx + rx) - fl;
        row[c] += d * (1.0 - f);
        row[c + 1] += d * f;
        mark(touched, c, c + 1);
        begin = std::min(begin, c);
        end = std::max(end, c + 1);
        return;
    }
    const double per_unit = d / (rx - lx);
    if (lx < 0.0) {
        row[0] += per_unit * (-lx);
        mark(touched, 0, 0);
        lx = 0.0;
    }
    const int c_first = int(std::floor(lx));
    const int c_last = std::min(int(fr), cols - 1);
    mark(touched, c_first, c_last + 1);
    begin = std::min(begin, c_first);
    end = std::max(end, c_last + 1);
    for (int c = c_first; c <= c_last; ++c) {
        const double xs = std::max(lx, double(c));
        const double xe = std::min(rx, double(c + 1));
        const double dd = per_unit * (xe - xs);
        const double f = 0.5 * (xs + xe) - c;
        row[c] += dd * (1.0 - f);
        row[c + 1] += dd * f;
    }
}

} // namespace

CoverageRasterizer::CoverageRasterizer(const Grid& grid, const Rings& polygon, int band_rows)
  : m_grid(grid)
  , m_band_rows(std::max(1, band_rows))
{
    m_footprint = grid.window_covering(polygon.bounds());
    if (m_footprint.empty())
        return;

    for (const auto& ring : polygon.rings) {
        const auto& pts = ring.points;
        if (pts.size() < 3)
            continue;
        // Shells must add coverage and holes remove it, whichever way the file drew them: the
        // weight combines the ring's role with its orientation measured from the coordinates.
        // (With this weight a counter-clockwise shell, y up, yields +1 inside; the unit square
        // tests pin the convention down.)
        const double signed_area = ring_twice_signed_area(pts);
        if (signed_area == 0.0)
            continue;
        const double orientation = signed_area > 0 ? 1.0 : -1.0;
        const double role = ring.hole ? -1.0 : 1.0;
        const std::size_t n = pts.size();
        for (std::size_t i = 0; i < n; ++i) {
            const Point& a = pts[i];
            const Point& b = pts[(i + 1) % n];
            double x0 = grid.col_of(a.x), y0 = grid.row_of(a.y);
            double x1 = grid.col_of(b.x), y1 = grid.row_of(b.y);
            if (y0 == y1)
                continue;
            double w = role * orientation;
            if (y0 > y1) {
                std::swap(x0, x1);
                std::swap(y0, y1);
                w = -w;
            }
            m_edges.push_back(Edge{ x0, y0, x1, y1, w });
        }
    }

    const int bands = (grid.rows() + m_band_rows - 1) / m_band_rows;
    m_bands.resize(std::size_t(std::max(bands, 0)));
    for (std::uint32_t i = 0; i < m_edges.size(); ++i) {
        const Edge& e = m_edges[i];
        const int r_first = std::max(0, int(std::floor(e.y0)));
        const int r_last = std::min(grid.rows() - 1, int(std::ceil(e.y1)) - 1);
        if (r_last < r_first)
            continue;
        for (int b = r_first / m_band_rows; b <= r_last / m_band_rows; ++b)
            m_bands[std::size_t(b)].push_back(i);
    }
}

void CoverageRasterizer::add_edge_rows(const Edge& e, int row_lo, int row_hi, CoverageDeltas& out) const
{
    const Window& sub = out.window;
    const std::size_t stride = out.stride();
    const double slope = (e.x1 - e.x0) / (e.y1 - e.y0);
    const int r_first = std::max(row_lo, int(std::floor(e.y0)));
    const int r_end = std::min(row_hi, int(std::ceil(e.y1)));
    for (int r = r_first; r < r_end; ++r) {
        const double yt = std::max(e.y0, double(r));
        const double yb = std::min(e.y1, double(r + 1));
        if (yb <= yt)
            continue;
        const double xt = e.x0 + (yt - e.y0) * slope - sub.col0;
        const double xb = (yb == e.y1 ? e.x1 : e.x0 + (yb - e.y0) * slope) - sub.col0;
        const std::size_t local = std::size_t(r - sub.row0);
        distribute(out.deltas.data() + local * stride, out.touched.data() + local * out.touched_words(), sub.cols, xt,
                   xb, e.w * (yb - yt), out.begin[local], out.end[local]);
    }
}

const Window& CoverageRasterizer::deltas(const Window& window, CoverageDeltas& out) const
{
    out.window = window.intersection(m_footprint);
    const Window& sub = out.window;
    if (sub.empty())
        return out.window;
    const std::size_t needed = std::size_t(sub.rows) * out.stride();
    if (out.deltas.size() < needed) {
        // A buffer kept across calls (one per thread of a raster pass, zone after zone) grows to
        // the whole window at once: grown to each zone's part in turn, every growth copied it and
        // faulted in fresh pages (perf: a tenth of a municipality-size pass in the kernel zeroing
        // pages). A first call sizes it for its part only. New cells are zero; used ones were
        // zeroed by the consumer.
        const std::size_t whole = std::size_t(window.rows) * (std::size_t(window.cols) + 1);
        std::vector<double>(out.deltas.empty() ? needed : std::max(needed, whole), 0.0).swap(out.deltas);
    }
    out.begin.assign(std::size_t(sub.rows), sub.cols + 1);
    out.end.assign(std::size_t(sub.rows), -1);
    out.touched.assign(std::size_t(sub.rows) * out.touched_words(), 0);

    const int b_first = sub.row0 / m_band_rows;
    const int b_last = (sub.row_end() - 1) / m_band_rows;
    for (int b = b_first; b <= b_last && b < int(m_bands.size()); ++b) {
        const int row_lo = std::max(sub.row0, b * m_band_rows);
        const int row_hi = std::min(sub.row_end(), (b + 1) * m_band_rows);
        for (std::uint32_t i : m_bands[std::size_t(b)])
            add_edge_rows(m_edges[i], row_lo, row_hi, out);
    }
    return out.window;
}

const Window& CoverageRasterizer::rasterize(const Window& window, CoverageWindow& out) const
{
    CoverageDeltas d;
    out.window = deltas(window, d);
    out.fractions.assign(out.window.size(), 0.0);
    if (out.window.empty())
        return out.window;
    const int cols = out.window.cols;
    for_each_covered_cell(d, [&](int r, int c, double f) { out.fractions[std::size_t(r) * cols + c] = f; });
    return out.window;
}

} // namespace redline
