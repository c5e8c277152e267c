#pragma once

#include "coverage/coverage_job.h"

#include <memory>

namespace redline {

class RasterPass;
struct RasterPassResult;

/// @brief `redline coverage`, stage by stage, so that each kind of run calls the stages it needs.
///
/// A single run (run_coverage) calls them all in order; a shard of a cluster run opens the inputs,
/// measures the district, clips the zones and reads its range of the raster's windows; the merge
/// does the vector work and adds the shards' class areas up instead of reading the raster.
/// Stages must be called in the order they are declared; each needs those before it.
class CoverageRun
{
public:
    /// @p ctx is the GEOS context the result's geometries belong to.
    CoverageRun(const CoverageOptions& options, const GeosContext& ctx, const ProgressFn& progress);
    ~CoverageRun();
    CoverageRun(const CoverageRun&) = delete;
    CoverageRun& operator=(const CoverageRun&) = delete;

    /// Refuses an output that names an input or another output, checks each output's folder and
    /// removes temporaries a killed run left beside it.
    void check_outputs();
    /// What a shard checks of the outputs it does not write: none names an input; names are valid.
    void check_outputs_against_inputs();
    /// With two threads or more, opens the land-cover raster on a helper thread and decodes its
    /// first windows there while the vector work goes on (see WindowPrefetch). Only for a run that
    /// reads the whole raster itself.
    void start_prefetch();
    /// Checks the targets and published figures against the inputs given, opens every vector
    /// input and resolves the forest classes.
    void open_inputs();
    /// Longitude/latitude on the boundary's datum; areas on its ellipsoid; the output CRS.
    void set_working_crs();
    /// Reads the boundary: the district's geometry, area, id and name.
    void measure_district();
    /// Reads the zones and starts clipping them to the district and checking how they tile it,
    /// shared with a helper thread when there are two threads or more (with their survey areas if
    /// @p survey_areas).
    void start_zones(bool survey_areas);
    /// Red line and protected areas: dissolved, clipped, measured every way a figure can be made.
    void measure_layers();
    /// Waits for the zones' work: their clipped geometries, areas and tiling QA.
    void finish_zones();
    /// The red line's and protected areas' shares of the district and of each zone.
    void measure_shares();
    /// Reads the shrub mask, where masked classes (shrubland) count as forest.
    void read_shrub_mask();
    /// Forest from the land-use layer, if that is where forest comes from.
    void measure_landuse_forest();
    /// The vector stages of a run that makes figures, in order: start_zones (with survey areas if
    /// asked for), measure_layers, finish_zones, measure_shares, read_shrub_mask, measure_landuse_forest.
    void measure_vectors();
    /// The raster pass over the units (zones, gaps, district), rasterized and its windows
    /// numbered, nothing read yet; null without a land-cover raster.
    RasterPass* prepare_raster_pass();
    /// Reads every window of the prepared pass (taking those decoded ahead).
    RasterPassResult read_raster();
    /// Forest of every unit from the class areas of a whole pass (read here or summed from shards).
    void measure_raster_forest(RasterPassResult pass);
    /// Every unit against every target; verifications of the district reconciled.
    void check_figures();

    /// Steps 0.30 to 0.95 of the run's progress: the raster pass's.
    ProgressFn raster_progress() const;
    /// The result, moved out: the run is done.
    CoverageResult finish();

private:
    struct State;
    void step(double fraction, const std::string& what) const;

    const CoverageOptions& m_options;
    const GeosContext& m_ctx;
    ProgressFn m_progress;
    std::unique_ptr<State> m_state;
};

} // namespace redline
