#include "shards/activity_shards.h"

#include "activity/activity_stages.h"
#include "error.h"

namespace redline {

namespace {

void check_tiles(const ActivityRun& run, std::size_t tiles)
{
    if (run.bands().size() != tiles)
        throw InputError("the images now have " + std::to_string(run.bands().size()) +
                         " rows of tiles over the red line where the plan counted " + std::to_string(tiles) +
                         ": an input or redline itself changed since the plan was made; make the plan again");
}

} // namespace

ActivityTiling plan_activity_tiles(const ActivityOptions& options, const GeosContext& ctx, const ProgressFn& progress)
{
    ActivityRun run(options, ctx, progress);
    ActivityTiling tiling;
    for (const Window& band : run.bands())
        tiling.cells.push_back(double(band.size()));
    const ActivityResult& r = run.result();
    tiling.description = "rows of image blocks over the red line's footprint (" + std::to_string(r.cols) + " × " +
                         std::to_string(r.rows) + " cells), top to bottom";
    tiling.calibration_json = calibration_json(run.calibrate());
    return tiling;
}

std::string run_activity_shard(const ActivityOptions& options, const GeosContext& ctx,
                               const std::string& calibration, std::size_t first, std::size_t end, std::size_t tiles,
                               const ProgressFn& progress)
{
    ActivityRun run(options, ctx, progress, false);
    check_tiles(run, tiles);
    run.use_calibration(calibration_from_json(calibration));
    return components_json(run.detect(first, end));
}

ActivityResult merge_activity_shards(const ActivityOptions& options, const GeosContext& ctx,
                                     const std::string& calibration, const std::vector<std::string>& shard_results,
                                     std::size_t tiles, const ProgressFn& progress)
{
    ActivityRun run(options, ctx, progress);
    check_tiles(run, tiles);
    run.use_calibration(calibration_from_json(calibration));
    std::vector<ChangeComponents> parts;
    for (const auto& text : shard_results)
        parts.push_back(components_from_json(text));
    return run.build_patches(join_components(std::move(parts)));
}

} // namespace redline
