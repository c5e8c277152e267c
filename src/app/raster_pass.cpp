#include "raster_pass.h"

#include "error.h"
#include "projected_cell_areas.h"
#include "raster_source.h"
#include "reproject_rings.h"
#include "text.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

namespace redline {

namespace {

/// Merges per-window results in window order, holding back windows that finish early and
/// making fast workers wait when too many are held, so memory stays bounded.
class OrderedMerger
{
public:
    OrderedMerger(std::vector<ZoneClassAreas>& totals, std::size_t windows, std::size_t max_pending,
                  const ProgressFn& progress)
      : m_totals(totals)
      , m_windows(windows)
      , m_max_pending(max_pending)
      , m_progress(progress)
    {
    }

    /// Blocks while the window is too far ahead of the merge front.
    bool wait_turn(std::size_t window)
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_cv.wait(lock, [&] { return m_stop || window < m_next + m_max_pending; });
        return !m_stop;
    }

    void deliver(std::size_t window, ZonalAccumulator::WindowResult&& result)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_pending.emplace(window, std::move(result));
        while (!m_pending.empty() && m_pending.begin()->first == m_next) {
            for (const auto& zone_areas : m_pending.begin()->second)
                m_totals[zone_areas.first].merge(zone_areas.second);
            m_pending.erase(m_pending.begin());
            ++m_next;
            if (m_progress && !m_progress(double(m_next) / double(m_windows), "reading the land-cover raster"))
                m_stop = true;
        }
        m_cv.notify_all();
    }

    void stop()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
        m_cv.notify_all();
    }
    bool stopped()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_stop;
    }

private:
    std::vector<ZoneClassAreas>& m_totals;
    std::size_t m_windows;
    std::size_t m_max_pending;
    const ProgressFn& m_progress;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::map<std::size_t, ZonalAccumulator::WindowResult> m_pending;
    std::size_t m_next = 0;
    bool m_stop = false;
};

} // namespace

RasterPassResult run_raster_pass(const RasterInput& input, const OGRSpatialReference& working, const GeosContext& ctx,
                                 const std::vector<RasterPassUnit>& units, const ProgressFn& progress)
{
    RasterSource raster(input.path, input.band, "--landcover");
    if (input.nodata)
        raster.set_nodata(input.nodata);
    const Grid& grid = raster.grid();

    RasterPassResult result;
    RasterReport& report = result.report;
    report.path = input.path;
    report.band = input.band;
    report.crs = label(raster.srs());
    report.data_type = raster.data_type_name();
    report.cell_area_method = cell_area_method(raster.srs());
    report.cell_dx = grid.dx();
    report.cell_dy = grid.dy();
    report.cols = grid.cols();
    report.rows = grid.rows();
    report.nodata = raster.nodata();

    // Windows are a whole number of blocks; the rasterizers index edges by the window height.
    const std::vector<Window> all_windows = grid.block_windows(raster.block_cols(), raster.block_rows(), 1 << 20);
    const int band_rows = all_windows.empty() ? 256 : all_windows.front().rows;

    const Reprojection to_raster(working, raster.srs(), 0.0, "--landcover " + input.path);
    std::vector<RasterZone> zones;
    Window footprint;
    const Box extent = grid.extent();
    for (const RasterPassUnit& u : units) {
        const Rings rings = reproject_to_rings(ctx, u.geometry, to_raster);
        RasterZone z;
        z.zone = std::make_shared<CoverageRasterizer>(grid, rings, band_rows);
        if (u.in_mask)
            z.in_mask = std::make_shared<CoverageRasterizer>(grid, reproject_to_rings(ctx, u.in_mask, to_raster), band_rows);
        const Box b = rings.bounds();
        result.fully_covered.push_back(!b.empty() && b.xmin >= extent.xmin && b.xmax <= extent.xmax &&
                                       b.ymin >= extent.ymin && b.ymax <= extent.ymax);
        if (footprint.empty())
            footprint = z.zone->footprint();
        else if (!z.zone->footprint().empty()) {
            const Window& f = z.zone->footprint();
            const int c0 = std::min(footprint.col0, f.col0), r0 = std::min(footprint.row0, f.row0);
            const int c1 = std::max(footprint.col_end(), f.col_end()), r1 = std::max(footprint.row_end(), f.row_end());
            footprint = Window{ c0, r0, c1 - c0, r1 - r0 };
        }
        zones.push_back(std::move(z));
    }
    if (footprint.empty())
        throw InputError("--landcover " + input.path + ": the raster (extent " + fixed(extent.xmin, 3) + ", " +
                         fixed(extent.ymin, 3) + " – " + fixed(extent.xmax, 3) + ", " + fixed(extent.ymax, 3) + " in " +
                         report.crs + ") does not cover the district; is it the right raster, or its CRS wrong?");

    std::vector<Window> windows;
    for (const Window& w : all_windows)
        if (!w.intersection(footprint).empty())
            windows.push_back(w);
    report.windows_read = windows.size();

    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const int threads = int(std::max<std::size_t>(
      1, std::min<std::size_t>(windows.size(), input.threads > 0 ? std::size_t(input.threads) : hw)));
    report.threads = threads;

    result.units.assign(units.size(), ZoneClassAreas{});
    OrderedMerger merger(result.units, windows.size(), std::size_t(4 * threads), progress);
    std::atomic<std::size_t> next{ 0 };
    std::exception_ptr failure;
    std::mutex failure_mutex;

    auto worker = [&](bool reuse_main_source) {
        try {
            // GDAL datasets and PROJ transformations are not shared between threads.
            std::unique_ptr<RasterSource> own;
            const RasterSource* source = &raster;
            if (!reuse_main_source) {
                own = std::make_unique<RasterSource>(input.path, input.band, "--landcover");
                if (input.nodata)
                    own->set_nodata(input.nodata);
                source = own.get();
            }
            const std::unique_ptr<CellAreas> cell_areas = make_cell_areas(grid, raster.srs());
            ZonalAccumulator accumulator;
            std::vector<std::int32_t> values;
            std::vector<std::uint8_t> bytes;
            std::vector<double> areas;
            const bool byte_band = source->is_byte();
            while (true) {
                const std::size_t i = next++;
                if (i >= windows.size() || !merger.wait_turn(i))
                    break;
                const Window& w = windows[i];
                ValueWindow cells;
                cells.window = w;
                cells.nodata = source->nodata();
                if (byte_band) {
                    source->read_bytes(w, bytes);
                    cells.bytes = bytes.data();
                } else {
                    source->read(w, values);
                    cells.values = values.data();
                }
                cell_areas->fill(w, areas);
                cells.cell_areas = areas.data();
                merger.deliver(i, accumulator.add(cells, zones));
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(failure_mutex);
            if (!failure)
                failure = std::current_exception();
            merger.stop();
        }
    };

    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(worker, false);
    worker(true);
    for (auto& t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
    if (merger.stopped())
        throw Cancelled();
    return result;
}

} // namespace redline
