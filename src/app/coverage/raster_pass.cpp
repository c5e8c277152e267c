#include "coverage/raster_pass.h"

#include "error.h"
#include "common/huge_heap.h"
#include "common/ordered_pipeline.h"
#include "projected_cell_areas.h"
#include "reproject_rings.h"
#include "common/stage_timeline.h"
#include "text.h"
#include "coverage/window_prefetch.h"

#include <algorithm>
#include <memory>
#include <thread>

namespace redline {

std::shared_ptr<RasterSource> open_raster_input(const RasterInput& input)
{
    auto source = std::make_shared<RasterSource>(input.path, input.band, "--landcover");
    if (input.nodata)
        source->set_nodata(input.nodata);
    return source;
}

RasterPass::RasterPass(const RasterInput& input, const OGRSpatialReference& working, const GeosContext& ctx,
                       const std::vector<RasterPassUnit>& units, OpenedRaster opened)
  : m_input(input)
  , m_raster(opened.source ? std::move(opened.source) : open_raster_input(input))
{
    const Grid& grid = m_raster->grid();

    RasterReport& report = m_report;
    report.path = input.path;
    report.band = input.band;
    report.crs = label(m_raster->srs());
    report.data_type = m_raster->data_type_name();
    report.cell_area_method = cell_area_method(m_raster->srs());
    report.cell_dx = grid.dx();
    report.cell_dy = grid.dy();
    report.cols = grid.cols();
    report.rows = grid.rows();
    report.nodata = m_raster->nodata();

    // Windows are a whole number of blocks; the rasterizers index edges by the window height.
    const std::vector<Window> all_windows = grid.block_windows(m_raster->block_cols(), m_raster->block_rows(), 1 << 20);
    const int band_rows = all_windows.empty() ? 256 : all_windows.front().rows;

    std::optional<Reprojection>& to_raster = opened.to_raster;
    if (!to_raster)
        to_raster.emplace(working, m_raster->srs(), 0.0, "--landcover " + input.path);
    if (opened.to_lonlat)
        m_to_lonlat = std::move(opened.to_lonlat);
    else if (!m_raster->srs().IsGeographic())
        m_to_lonlat.emplace(m_raster->srs());
    Window footprint;
    const Box extent = grid.extent();
    for (const RasterPassUnit& u : units) {
        const Rings rings = reproject_to_rings(ctx, u.geometry, *to_raster);
        RasterZone z;
        z.zone = std::make_shared<CoverageRasterizer>(grid, rings, band_rows);
        if (u.in_mask)
            z.in_mask = std::make_shared<CoverageRasterizer>(grid, reproject_to_rings(ctx, u.in_mask, *to_raster), band_rows);
        const Box b = rings.bounds();
        m_fully_covered.push_back(!b.empty() && b.xmin >= extent.xmin && b.xmax <= extent.xmax &&
                                  b.ymin >= extent.ymin && b.ymax <= extent.ymax);
        if (footprint.empty())
            footprint = z.zone->footprint();
        else if (!z.zone->footprint().empty()) {
            const Window& f = z.zone->footprint();
            const int c0 = std::min(footprint.col0, f.col0), r0 = std::min(footprint.row0, f.row0);
            const int c1 = std::max(footprint.col_end(), f.col_end()), r1 = std::max(footprint.row_end(), f.row_end());
            footprint = Window{ c0, r0, c1 - c0, r1 - r0 };
        }
        m_zones.push_back(std::move(z));
    }
    if (footprint.empty())
        throw InputError("--landcover " + input.path + ": the raster (extent " + fixed(extent.xmin, 3) + ", " +
                         fixed(extent.ymin, 3) + " – " + fixed(extent.xmax, 3) + ", " + fixed(extent.ymax, 3) + " in " +
                         report.crs + ") does not cover the district; is it the right raster, or its CRS wrong?");

    for (const Window& w : all_windows)
        if (!w.intersection(footprint).empty())
            m_windows.push_back(w);
}

RasterPass::~RasterPass() = default;

const Grid& RasterPass::grid() const
{
    return m_raster->grid();
}

RasterPassResult RasterPass::empty_result() const
{
    RasterPassResult result;
    result.units.assign(m_zones.size(), ZoneClassTotals{});
    result.fully_covered = m_fully_covered;
    result.report = m_report;
    return result;
}

void RasterPass::take_prefetched(WindowPrefetch& prefetch)
{
    m_prefetched.resize(m_windows.size());
    for (std::size_t i = 0; i < m_windows.size(); ++i)
        m_prefetched[i] = prefetch.take(m_windows[i]);
    m_prefetch_source = prefetch.source();
}

RasterPassResult RasterPass::run(std::size_t first, std::size_t end, const ProgressFn& progress)
{
    RasterPassResult result = empty_result();
    end = std::min(end, m_windows.size());
    first = std::min(first, end);
    const std::vector<Window> windows(m_windows.begin() + std::ptrdiff_t(first), m_windows.begin() + std::ptrdiff_t(end));
    result.report.windows_read = windows.size();

    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const int threads = int(std::max<std::size_t>(
      1, std::min<std::size_t>(windows.size(), m_input.threads > 0 ? std::size_t(m_input.threads) : hw)));
    result.report.threads = threads;

    using Partial = ZonalAccumulator::WindowResult;
    const Grid& grid = m_raster->grid();
    // Each thread's cell areas, made here, each with its own copy of the inverse projection they
    // use (make_cell_areas copies it): a copy searches nothing, where each thread would otherwise
    // search PROJ's database (and open its own connection to it) before its first window. The
    // threads share the lattice's node areas (a node computed by one is not computed again).
    std::vector<std::shared_ptr<CellAreas>> cell_areas(static_cast<std::size_t>(threads));
    const LonLatTransform* to_lonlat = m_to_lonlat ? &*m_to_lonlat : nullptr;
    for (std::size_t t = 0; t < cell_areas.size(); ++t)
        cell_areas[t] = make_cell_areas(grid, m_raster->srs(), to_lonlat, t > 0 ? cell_areas[0].get() : nullptr);
    // The other threads' handles on the raster, opened here (the source's CRS is read on this
    // thread only), except the one the prefetch opened while the vector work went on.
    std::vector<std::shared_ptr<RasterSource>> own_sources(static_cast<std::size_t>(threads));
    for (int t = 1; t < threads; ++t)
        own_sources[std::size_t(t)] = t == 1 && m_prefetch_source ? m_prefetch_source : m_raster->reopen();
    auto make_worker = [&](int thread) {
        // GDAL datasets and PROJ transformations are not shared between threads: the first
        // thread reads through the pass's own source, the others through theirs (above).
        struct Worker
        {
            std::shared_ptr<RasterSource> own;
            const RasterSource* source;
            std::shared_ptr<CellAreas> cell_areas;
            std::shared_ptr<ZonalAccumulator> accumulator = std::make_shared<ZonalAccumulator>();
            std::vector<std::int32_t> values;
            std::vector<std::uint8_t> bytes;
        };
        if (thread > 0)
            reserve_huge_heap(std::size_t(24) << 20); // this thread's arena: its scratch windows
        auto w = std::make_shared<Worker>();
        w->own = own_sources[std::size_t(thread)];
        w->source = w->own ? w->own.get() : m_raster.get();
        w->cell_areas = cell_areas[std::size_t(thread)];
        const std::vector<RasterZone>& zones = m_zones;
        std::vector<std::vector<std::uint8_t>>* prefetched = m_prefetched.empty() ? nullptr : &m_prefetched;
        return [w, &windows, &zones, prefetched, first](std::size_t i) {
            StageTimeline& timeline = StageTimeline::instance();
            const double t0 = timeline.enabled() ? timeline.now() : 0.0;
            const Window& win = windows[i];
            ValueWindow cells;
            cells.window = win;
            cells.nodata = w->source->nodata();
            if (w->source->is_byte()) {
                // Each window is taken by one thread only: its entry is this thread's to move.
                std::vector<std::uint8_t>* ahead = prefetched ? &(*prefetched)[first + i] : nullptr;
                if (ahead && ahead->size() == win.size()) {
                    w->bytes.swap(*ahead);
                    std::vector<std::uint8_t>().swap(*ahead); // the memory goes back now, not at the end
                } else {
                    w->source->read_bytes(win, w->bytes);
                }
                cells.bytes = w->bytes.data();
            } else {
                w->source->read(win, w->values);
                cells.values = w->values.data();
            }
            const double t1 = timeline.enabled() ? timeline.now() : 0.0;
            w->cell_areas->prepare(win);
            cells.area_rows = w->cell_areas.get();
            const double t2 = timeline.enabled() ? timeline.now() : 0.0;
            ZonalAccumulator::WindowResult sums = w->accumulator->add(cells, zones);
            if (timeline.enabled()) {
                const double t3 = timeline.now();
                timeline.add_total("window: read and decode", t1 - t0);
                timeline.add_total("window: cell areas", t2 - t1);
                timeline.add_total("window: coverage and sums", t3 - t2);
            }
            return sums;
        };
    };
    std::size_t done = 0;
    run_ordered<Partial>(windows.size(), threads, make_worker, [&](std::size_t, Partial&& partial) {
        for (const auto& zone_areas : partial)
            result.units[zone_areas.first].add(zone_areas.second);
        ++done;
        return !progress || progress(double(done) / double(windows.size()), "reading the land-cover raster");
    });
    return result;
}

RasterPassResult run_raster_pass(const RasterInput& input, const OGRSpatialReference& working, const GeosContext& ctx,
                                 const std::vector<RasterPassUnit>& units, const ProgressFn& progress)
{
    RasterPass pass(input, working, ctx, units);
    return pass.run(progress);
}

} // namespace redline
