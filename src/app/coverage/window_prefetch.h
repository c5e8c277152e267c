#pragma once

#include "crs.h"
#include "geos_context.h"
#include "grid.h"
#include "coverage/raster_pass.h"
#include "projected_cell_areas.h"
#include "raster_source.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace redline {


/// @brief Windows of the land-cover raster decoded before the raster pass, by the threads that
/// would otherwise wait for the vector work (the zones' tiling check, the red line) to finish.
///
/// The raster pass needs the zones clipped and checked before it can weigh a cell, but not to
/// decode one: with two threads or more, a thread that is done with its vector work decodes
/// windows here, in the pass's reading order (those that meet the district), until the pass
/// starts or a memory budget is spent; the pass then takes them instead of reading them again.
/// The bytes are the file's, whoever decodes them, so the figures do not change.
///
/// Opening the raster and finding the transformation to its CRS come first, and are the run's
/// first use of the GeoTIFF driver and of PROJ's database on that thread (10-25 ms): open() is
/// meant for a helper thread from the start of a run, while the main one opens and reads the
/// vectors, and the pass reuses both.
class WindowPrefetch
{
public:
    /// @p max_bytes bounds the decoded windows kept.
    WindowPrefetch(const RasterInput& input, std::size_t max_bytes);
    ~WindowPrefetch();
    WindowPrefetch(const WindowPrefetch&) = delete;
    WindowPrefetch& operator=(const WindowPrefetch&) = delete;

    /// Opens the raster and makes the transformation from the working CRS to the raster's, unless
    /// done already (or, on another thread, being done: then waits for it); waits for
    /// set_working() or stop() after opening: give the working CRS before the district. Never
    /// throws: the pass meets any error again on its own, with its message.
    void open();
    /// The working CRS (longitude/latitude on the boundary's datum), once known.
    void set_working(const OGRSpatialReference& working);
    /// The district whose windows to decode, in working coordinates; copied here (GEOS geometries
    /// are not to be read by two threads at once). Nothing is decoded before it is given.
    void set_district(const GEOSGeometry* district);

    /// Decodes the next window, unless another thread is decoding, the budget is spent, every
    /// window is done, the district is not given yet or stop() was called; false when it decoded
    /// nothing. The first call opens the raster if open() was not called, and finds the windows
    /// that meet the district. Errors (an unreadable raster) are kept for the pass to meet on its
    /// own reading, with its own message: prefetching never throws.
    /// With @p wait, waits for a thread that is decoding instead of returning false.
    bool decode_one(bool wait = false);
    /// Decodes windows until stop() is called or nothing is left to decode.
    void decode_all()
    {
        while (decode_one(true)) {
        }
    }
    /// No more decoding; returns once no thread is decoding.
    void stop();

    /// The decoded window with exactly these cells, moved out; empty when it was not decoded.
    /// Only after stop().
    std::vector<std::uint8_t> take(const Window& window);
    /// The raster as opened for decoding, for a thread of the pass to reuse (null if not opened).
    /// Only after stop().
    std::shared_ptr<RasterSource> source() const { return m_source; }
    /// The raster opened a second time, for the pass's calling thread, a copy of the transformation
    /// from the working CRS to the raster's and the one from the raster's CRS to longitude/latitude
    /// (after open(); empty if that failed).
    OpenedRaster opened_for_pass();
    /// How many windows were decoded ahead.
    std::size_t decoded() const { return m_next; }

private:
    void open_raster();
    void find_windows();
    bool district_given();

    RasterInput m_input;
    GeosLease m_lease;
    std::size_t m_max_bytes;

    std::mutex m_mutex; ///< held while decoding: one thread at a time
    std::atomic<bool> m_stopped{ false };
    std::once_flag m_opening;
    bool m_failed = false, m_windows_found = false;
    std::shared_ptr<RasterSource> m_source;
    std::mutex m_given_mutex; ///< held briefly while the working CRS, district or transformation is set, used or copied
    std::condition_variable m_given; ///< the working CRS was given, or stop() called
    SrsPtr m_working;
    GeomPtr m_district;
    std::optional<Reprojection> m_to_raster;
    std::optional<LonLatTransform> m_to_lonlat; ///< for a projected raster's cell areas
    std::shared_ptr<RasterSource> m_pass_source; ///< the raster opened for the pass's calling thread
    std::vector<Window> m_windows;                  ///< the windows that meet the district, in reading order
    std::vector<std::vector<std::uint8_t>> m_cells; ///< decoded, by index into m_windows
    std::size_t m_next = 0, m_bytes = 0;
};

} // namespace redline
