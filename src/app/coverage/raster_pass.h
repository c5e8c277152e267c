#pragma once

#include "common/progress.h"
#include "crs.h"
#include "projected_cell_areas.h"
#include "coverage/raster_report.h"
#include "geos_context.h"
#include "grid.h"
#include "raster_source.h"
#include "zonal_accumulator.h"

#include <ogr_spatialref.h>

#include <functional>
#include <memory>
#include <optional>

namespace redline {

class WindowPrefetch;

/// @brief A unit (district or zone) for the raster pass, in the working CRS.
struct RasterPassUnit
{
    const GEOSGeometry* geometry = nullptr;
    const GEOSGeometry* in_mask = nullptr; ///< the unit's part inside the shrub mask, or null
};

/// @brief Class areas of each unit, and whether the raster covers the unit entirely.
struct RasterPassResult
{
    std::vector<ZoneClassTotals> units;
    std::vector<bool> fully_covered;
    RasterReport report;
};

/// @brief What the raster pass reads: a band of a class raster.
struct RasterInput
{
    std::string path;
    int band = 1;
    std::optional<std::int32_t> nodata; ///< overrides the band's own
    int threads = 0;                     ///< 0: every core
};

/// The raster @p input names, opened (one per thread that reads it: GDAL datasets are not
/// shared between threads), with the input's nodata value where it overrides the band's.
std::shared_ptr<RasterSource> open_raster_input(const RasterInput& input);

/// @brief What a helper thread may have made ready for the pass before it starts: the raster
/// opened for the calling thread, the transformation to its CRS and, for a projected raster, the
/// one from its CRS to longitude/latitude that cell areas use. Any may be missing.
struct OpenedRaster
{
    std::shared_ptr<RasterSource> source;
    std::optional<Reprojection> to_raster;
    std::optional<LonLatTransform> to_lonlat;
};

/// @brief The raster pass: every cell added to each unit it overlaps, weighted by exact coverage
/// fraction × ellipsoidal cell area.
///
/// The raster is read window by window (whole blocks, about a million cells), only the windows
/// that meet a unit, in parallel. Windows are numbered in reading order; a cluster run reads a
/// range of them per shard (see coverage_shards.h). Units' class areas are exact sums over windows
/// (ClassAreaTotals), so any grouping of windows (threads, shards) gives the same bits.
class RasterPass
{
public:
    /// @p opened: the raster and the transformations from @p working to its CRS and from its CRS to
    /// longitude/latitude, where a helper thread made them ready (WindowPrefetch::opened_for_pass):
    /// a thread's first GeoTIFF open and PROJ search cost 2-15 ms each. What is missing is made here.
    RasterPass(const RasterInput& input, const OGRSpatialReference& working, const GeosContext& ctx,
               const std::vector<RasterPassUnit>& units, OpenedRaster opened = {});
    ~RasterPass();
    RasterPass(const RasterPass&) = delete;
    RasterPass& operator=(const RasterPass&) = delete;

    /// The windows that meet a unit, in reading order.
    const std::vector<Window>& windows() const { return m_windows; }
    const Grid& grid() const;

    /// Reads windows [first, end) and returns every unit's class areas over them.
    RasterPassResult run(std::size_t first, std::size_t end, const ProgressFn& progress);
    /// Reads every window.
    RasterPassResult run(const ProgressFn& progress) { return run(0, m_windows.size(), progress); }
    /// The result's report and coverage flags, with no class areas (nothing read).
    RasterPassResult empty_result() const;
    /// Takes the windows @p prefetch decoded ahead (after its stop()), so that run() does not
    /// read them again, and its opened raster for a second thread.
    void take_prefetched(WindowPrefetch& prefetch);

private:
    RasterInput m_input;
    std::shared_ptr<RasterSource> m_raster;
    std::vector<RasterZone> m_zones;
    std::vector<Window> m_windows;
    std::vector<std::vector<std::uint8_t>> m_prefetched; ///< by window index; empty: not decoded ahead
    std::shared_ptr<RasterSource> m_prefetch_source;
    std::optional<LonLatTransform> m_to_lonlat; ///< found once, copied for each thread's cell areas
    std::vector<bool> m_fully_covered;
    RasterReport m_report;
};

/// Reads the whole raster (see RasterPass).
RasterPassResult run_raster_pass(const RasterInput& input, const OGRSpatialReference& working, const GeosContext& ctx,
                                 const std::vector<RasterPassUnit>& units, const ProgressFn& progress);

} // namespace redline
