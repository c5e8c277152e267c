#include "shards/coverage_shards.h"

#include "atomic_file.h"
#include "coverage/coverage_run.h"
#include "error.h"
#include "coverage/raster_pass.h"
#include "report_json.h"
#include "common/stage_timeline.h"

#include <cpl_json.h>

#include <stdexcept>

namespace redline {

namespace {

void check_tiles(const RasterPass& pass, std::size_t tiles)
{
    if (pass.windows().size() != tiles)
        throw InputError("the land-cover raster now has " + std::to_string(pass.windows().size()) +
                         " tiles over the units where the plan counted " + std::to_string(tiles) +
                         ": an input or redline itself changed since the plan was made; make the plan again");
}

void write_totals(JsonWriter& j, const ClassAreaTotals& t)
{
    j.begin_object().field("nodata", t.exact_nodata().to_string());
    j.key("classes").begin_object();
    for (const auto& kv : t.exact_classes())
        j.field(std::to_string(kv.first), kv.second.to_string());
    j.end_object().end_object();
}

ClassAreaTotals read_totals(const CPLJSONObject& o)
{
    ClassAreaTotals t;
    t.add_exact_nodata(ExactSum::from_string(o.GetString("nodata", "0")));
    for (const auto& c : o.GetObj("classes").GetChildren())
        t.add_exact(std::stoll(c.GetName()), ExactSum::from_string(c.ToString()));
    return t;
}

/// The class areas of every unit over the whole raster: the shards' results added up (in any
/// order: sums are exact), checked against the plan's tiling.
RasterPassResult sum_shard_results(const RasterPass& pass, const std::vector<std::string>& shard_results,
                                   std::size_t tiles)
{
    RasterPassResult sum = pass.empty_result();
    std::size_t windows_read = 0;
    for (std::size_t k = 0; k < shard_results.size(); ++k) {
        CPLJSONDocument doc;
        if (!doc.LoadMemory(shard_results[k]))
            throw InputError("shard " + std::to_string(k) + ": its result is not JSON; run the shard again");
        const CPLJSONArray units = doc.GetRoot().GetArray("units");
        if (std::size_t(units.Size()) != sum.units.size())
            throw InputError("shard " + std::to_string(k) + " has results for " + std::to_string(units.Size()) +
                             " units, the run has " + std::to_string(sum.units.size()) +
                             ": the zones changed since the plan was made; make the plan again");
        try {
            for (int u = 0; u < units.Size(); ++u) {
                ZoneClassTotals t;
                t.all = read_totals(units[u].GetObj("all"));
                t.in_mask = read_totals(units[u].GetObj("in_mask"));
                sum.units[std::size_t(u)].add(t);
            }
        } catch (const std::exception& e) {
            throw InputError("shard " + std::to_string(k) + ": its result is damaged (" + e.what() +
                             "); delete it and run the shard again");
        }
        windows_read += std::size_t(doc.GetRoot().GetLong("windows_read"));
    }
    if (windows_read != tiles)
        throw InputError("the shards read " + std::to_string(windows_read) + " tiles, the plan has " +
                         std::to_string(tiles) + ": a shard's result belongs to another tiling; make the plan again");
    sum.report.windows_read = windows_read;
    return sum;
}

/// The stages a shard or a plan needs before the raster pass: the inputs checked and opened, the
/// district measured, the zones clipped (no red line, protected areas, land use or checks: those
/// are the merge's). Returns the pass, prepared but not read.
RasterPass& prepare_cells(CoverageRun& run)
{
    run.check_outputs_against_inputs();
    run.open_inputs();
    run.set_working_crs();
    run.measure_district();
    run.start_zones(false); // a shard reports cells only; the merge gives the zones' areas
    run.finish_zones();
    run.read_shrub_mask();
    return *run.prepare_raster_pass();
}

} // namespace

CoverageTiling plan_coverage_tiles(const CoverageOptions& options, const GeosContext& ctx, const ProgressFn& progress)
{
    // The merge writes the outputs: a folder that does not exist must surface now, not after the
    // whole array has run.
    for (const auto& out : { std::make_pair("--out", &options.out_gpkg), std::make_pair("--json", &options.json_path),
                             std::make_pair("--csv", &options.csv_path) })
        if (!out.second->empty())
            check_output_path(*out.second, out.first);
    if (!options.out_gpkg.empty())
        check_geopackage_name(options.out_gpkg, "--out");
    CoverageTiling tiling;
    if (options.landcover.empty()) {
        tiling.description = "no land-cover raster: nothing to read in shards; the merge does the vector work";
        run_coverage(options, ctx, progress);
        return tiling;
    }
    CoverageRun run(options, ctx, progress);
    const RasterPass& pass = prepare_cells(run);
    for (const Window& w : pass.windows())
        tiling.cells.push_back(double(w.size()));
    const Grid& g = pass.grid();
    tiling.description = "windows of whole blocks of " + options.landcover + " (" + std::to_string(g.cols()) + " × " +
                         std::to_string(g.rows()) + " cells) that meet the district or a zone, in reading order";
    return tiling;
}

std::string run_coverage_shard(const CoverageOptions& options, const GeosContext& ctx, std::size_t first,
                               std::size_t end, std::size_t tiles, const ProgressFn& progress)
{
    JsonWriter j;
    j.begin_object().field("first", first).field("end", end);
    if (options.landcover.empty()) {
        j.field("units", std::string("none: no land-cover raster")).end_object();
        return j.str();
    }
    CoverageRun run(options, ctx, progress);
    RasterPass& pass = prepare_cells(run);
    check_tiles(pass, tiles);
    RasterPassResult partial;
    {
        TimedStage stage("raster: pass");
        partial = pass.run(first, end, run.raster_progress());
    }
    j.field("windows_read", partial.report.windows_read).field("threads", partial.report.threads);
    j.key("units").begin_array();
    for (const auto& u : partial.units) {
        j.begin_object().key("all");
        write_totals(j, u.all);
        j.key("in_mask");
        write_totals(j, u.in_mask);
        j.end_object();
    }
    j.end_array().end_object();
    return j.str();
}

CoverageResult merge_coverage_shards(const CoverageOptions& options, const GeosContext& ctx,
                                     const std::vector<std::string>& shard_results, std::size_t tiles,
                                     const ProgressFn& progress)
{
    CoverageRun run(options, ctx, progress);
    run.check_outputs();
    run.open_inputs();
    run.set_working_crs();
    run.measure_district();
    run.measure_vectors();
    if (RasterPass* pass = run.prepare_raster_pass()) {
        check_tiles(*pass, tiles);
        TimedStage stage("raster: sum of the shards");
        run.measure_raster_forest(sum_shard_results(*pass, shard_results, tiles));
    }
    run.check_figures();
    return run.finish();
}

} // namespace redline
