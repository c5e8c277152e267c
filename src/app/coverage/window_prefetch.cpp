#include "coverage/window_prefetch.h"

#include "coverage_fraction.h"
#include "polygon_ops.h"
#include "coverage/raster_pass.h"
#include "reproject_rings.h"
#include "common/stage_timeline.h"

#include <algorithm>
#include <optional>

namespace redline {

WindowPrefetch::WindowPrefetch(const RasterInput& input, std::size_t max_bytes)
  : m_input(input)
  , m_max_bytes(max_bytes)
{
}

WindowPrefetch::~WindowPrefetch()
{
    stop();
    m_district.reset(); // before the lease returns the context
}

void WindowPrefetch::open()
{
    // Once, whoever comes first; the others wait for it (not m_mutex: the thread decoding takes
    // that again as soon as it lets it go).
    std::call_once(m_opening, [this] { open_raster(); });
}

void WindowPrefetch::set_working(const OGRSpatialReference& working)
{
    SrsPtr copy = clone_srs(working);
    std::lock_guard<std::mutex> lock(m_given_mutex);
    m_working = std::move(copy);
    m_given.notify_all();
}

void WindowPrefetch::set_district(const GEOSGeometry* district)
{
    GeomPtr copy = clone(m_lease.context(), district);
    std::lock_guard<std::mutex> lock(m_given_mutex); // not m_mutex: opening the raster holds that
    m_district = std::move(copy);
}

void WindowPrefetch::open_raster()
{
    try {
        std::optional<TimedStage> stage("prefetch: open the raster");
        m_source = open_raster_input(m_input);
        if (!m_source->is_byte()) {
            m_failed = true; // windows of other types are read by the pass as 32-bit integers
            return;
        }
        std::shared_ptr<RasterSource> pass_source = m_source->reopen();
        std::unique_lock<std::mutex> lock(m_given_mutex);
        m_given.wait(lock, [this] { return m_working || m_stopped; });
        if (!m_working) {
            m_failed = true;
            return;
        }
        const SrsPtr working = clone_srs(*m_working);
        lock.unlock();
        stage.emplace("prefetch: find the transformations to and from the raster's CRS");
        Reprojection to_raster(*working, m_source->srs(), 0.0, "--landcover " + m_input.path);
        std::optional<LonLatTransform> to_lonlat;
        if (!m_source->srs().IsGeographic())
            to_lonlat.emplace(m_source->srs());
        lock.lock();
        m_to_raster.emplace(std::move(to_raster));
        m_to_lonlat = std::move(to_lonlat);
        m_pass_source = std::move(pass_source);
    } catch (...) {
        m_failed = true;
    }
}

void WindowPrefetch::find_windows()
{
    m_windows_found = true;
    try {
        TimedStage stage("prefetch: find the district's windows");
        const Grid& grid = m_source->grid();
        std::unique_lock<std::mutex> lock(m_given_mutex);
        const Rings rings = reproject_to_rings(m_lease.context(), m_district.get(), *m_to_raster);
        lock.unlock();
        const Window footprint = grid.window_covering(rings.bounds());
        // The pass's windows (raster_pass.cpp): whole blocks, about a million cells.
        for (const Window& w : grid.block_windows(m_source->block_cols(), m_source->block_rows(), 1 << 20))
            if (!w.intersection(footprint).empty()) m_windows.push_back(w);
        m_cells.resize(m_windows.size());
    } catch (...) {
        m_failed = true;
    }
}

bool WindowPrefetch::district_given()
{
    std::lock_guard<std::mutex> lock(m_given_mutex);
    return m_district != nullptr;
}

OpenedRaster WindowPrefetch::opened_for_pass()
{
    open(); // a helper thread opening it now is done sooner than this one would be
    std::lock_guard<std::mutex> lock(m_given_mutex);
    OpenedRaster opened;
    if (m_to_raster && m_pass_source) {
        opened.source = std::move(m_pass_source);
        opened.to_raster = m_to_raster->copy();
        opened.to_lonlat = std::move(m_to_lonlat);
    }
    return opened;
}

bool WindowPrefetch::decode_one(bool wait)
{
    std::unique_lock<std::mutex> lock(m_mutex, std::defer_lock);
    if (wait)
        lock.lock();
    else if (!lock.try_lock())
        return false;
    if (m_stopped) return false;
    // The district first: given, the working CRS is too, so open() does not wait for it here,
    // holding the decoding lock.
    if (!district_given()) return false;
    open();
    if (m_failed) return false;
    if (!m_windows_found) find_windows();
    if (m_failed || m_next >= m_windows.size() || m_bytes >= m_max_bytes) return false;
    try {
        const double t0 = StageTimeline::instance().enabled() ? StageTimeline::instance().now() : 0.0;
        m_source->read_bytes(m_windows[m_next], m_cells[m_next]);
        if (StageTimeline::instance().enabled())
            StageTimeline::instance().add_total("prefetch: read and decode",
                                                StageTimeline::instance().now() - t0);
    } catch (...) {
        m_failed = true; // the pass reads this window itself and reports the error
        return false;
    }
    m_bytes += m_cells[m_next].size();
    ++m_next;
    return true;
}

void WindowPrefetch::stop()
{
    {
        std::lock_guard<std::mutex> lock(m_given_mutex);
        m_stopped = true;
        m_given.notify_all(); // an open() waiting for the working CRS gives up
    }
    std::lock_guard<std::mutex> wait_for_decoding(m_mutex);
}

std::vector<std::uint8_t> WindowPrefetch::take(const Window& window)
{
    // Windows are few (a district: tens) and taken in order: a search from the front is enough.
    for (std::size_t i = 0; i < m_next; ++i)
        if (m_windows[i].col0 == window.col0 && m_windows[i].row0 == window.row0 &&
            m_windows[i].cols == window.cols && m_windows[i].rows == window.rows)
            return std::move(m_cells[i]);
    return {};
}

} // namespace redline
