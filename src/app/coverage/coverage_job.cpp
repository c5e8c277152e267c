#include "coverage/coverage_job.h"

#include "coverage/coverage_run.h"
#include "coverage/raster_pass.h"

namespace redline {

const ShareFigure* UnitResult::figure(const std::string& key) const
{
    if (key == "redline")
        return redline ? &*redline : nullptr;
    if (key == "protected")
        return protected_areas ? &*protected_areas : nullptr;
    if (key == "forest")
        return forest ? &*forest : nullptr;
    return nullptr;
}

std::string UnitResult::status() const
{
    if (checks.empty())
        return "";
    for (const auto& c : checks)
        if (!c.outcome.pass)
            return "fail";
    return "pass";
}

int CoverageResult::exit_status() const
{
    return district.status() == "fail" ? 1 : 0;
}

const std::vector<std::string>& coverage_input_options()
{
    static const std::vector<std::string> names{ "boundary", "zones",   "redline",   "protected",
                                                 "landcover", "landuse", "shrub-mask" };
    return names;
}

std::vector<std::pair<std::string, std::string>> coverage_input_paths(const CoverageOptions& o)
{
    std::vector<std::pair<std::string, std::string>> paths;
    auto add = [&](const std::string& option, const std::string& text) {
        if (text.empty())
            return;
        std::string path, layer;
        split_layer_suffix(text, path, layer);
        paths.emplace_back(option, path);
    };
    add(o.boundary.option, o.boundary.path);
    for (const auto* spec : { &o.zones, &o.redline, &o.protected_areas, &o.landuse, &o.shrub_mask })
        if (*spec)
            add((*spec)->option, (*spec)->path);
    add("--landcover", o.landcover);
    return paths;
}

CoverageResult run_coverage(const CoverageOptions& options, const GeosContext& ctx, const ProgressFn& progress)
{
    CoverageRun run(options, ctx, progress);
    run.check_outputs();
    // The helper starts on the raster once the vector inputs are open, not beside their opening:
    // both openings query PROJ's database, whose SQLite connection PROJ shares between threads,
    // so side by side each waited for the other (the main thread's opening: 6-8 ms of CPU in
    // 21-34 ms; paired runs, district, two threads: -4.6 ms, 90 % interval [-13.5, -1.1]).
    run.open_inputs();
    run.start_prefetch();
    run.set_working_crs();
    run.measure_district();
    run.measure_vectors();
    if (run.prepare_raster_pass())
        run.measure_raster_forest(run.read_raster());
    run.check_figures();
    return run.finish();
}

} // namespace redline
