#pragma once

#include "coverage_job.h"
#include "zonal_accumulator.h"

#include <ogr_spatialref.h>

namespace redline {

/// @brief A unit (district or zone) for the raster pass, in the working CRS.
struct RasterPassUnit
{
    const GEOSGeometry* geometry = nullptr;
    const GEOSGeometry* in_mask = nullptr; ///< the unit's part inside the shrub mask, or null
};

/// @brief Class areas of each unit, and whether the raster covers the unit entirely.
struct RasterPassResult
{
    std::vector<ZoneClassAreas> units;
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

/// Reads the raster window by window (only windows that meet a unit), in parallel, and adds every
/// cell to each unit it overlaps, weighted by exact coverage fraction × ellipsoidal cell area.
/// Windows are merged in a fixed order, so results do not depend on the thread count.
RasterPassResult run_raster_pass(const RasterInput& input, const OGRSpatialReference& working, const GeosContext& ctx,
                                 const std::vector<RasterPassUnit>& units, const ProgressFn& progress);

} // namespace redline
