#include "coverage/coverage_run.h"

#include "area_meter.h"
#include "atomic_file.h"
#include "catalogue.h"
#include "crs.h"
#include "error.h"
#include "gdal_error.h"
#include "polygon_ops.h"
#include "zone_tiling.h"
#include "coverage/raster_pass.h"
#include "common/helper_thread.h"
#include "common/huge_heap.h"
#include "common/stage_timeline.h"
#include "coverage/window_prefetch.h"
#include "text.h"

#include <algorithm>
#include <thread>
#include <cmath>
#include <set>

namespace redline {

namespace {

/// Fills id/name field candidates from the layer catalogue's schema for @p role.
VectorSpec with_schema(VectorSpec spec, const Catalogue& catalogue, const std::string& role)
{
    const Catalogue::Schema schema = catalogue.schema(role);
    if (spec.id_candidates.empty())
        spec.id_candidates = schema.id;
    if (spec.name_candidates.empty())
        spec.name_candidates = schema.name;
    return spec;
}

void refuse_outputs_over_inputs(const CoverageOptions& o)
{
    const std::vector<std::pair<std::string, std::string>> outputs{ { "--out", o.out_gpkg },
                                                                    { "--json", o.json_path },
                                                                    { "--csv", o.csv_path } };
    std::set<std::string> seen;
    for (const auto& out : outputs) {
        if (out.second.empty())
            continue;
        const std::string canonical = canonical_path(out.second);
        for (const auto& in : coverage_input_paths(o))
            if (canonical_path(in.second) == canonical)
                throw InputError(out.first + " " + out.second + " is also the input of " + in.first +
                                 "; redline never overwrites an input: choose another output name");
        if (!seen.insert(canonical).second)
            throw InputError(out.first + " " + out.second + " is named by two output options; give each its own file");
    }
}

struct Opened
{
    std::unique_ptr<VectorSource> source;
    VectorSpec spec;
};

Opened open_vector(const std::optional<VectorSpec>& spec, const Catalogue& catalogue, const std::string& role)
{
    Opened o;
    if (!spec)
        return o;
    o.spec = with_schema(*spec, catalogue, role);
    o.source = std::make_unique<VectorSource>(o.spec);
    return o;
}

LayerReport load_layer(Opened& opened, const std::string& role, const OGRSpatialReference& working,
                       const GeosContext& ctx, const AreaMeter& meter, double area_tolerance,
                       std::vector<std::string>& warnings, int threads)
{
    LayerReport r;
    VectorSource& src = *opened.source;
    r.role = role;
    r.option = opened.spec.option;
    r.source = src.source_label();
    r.crs = label(src.srs());
    r.encoding = src.encoding_used();
    r.area_field = opened.spec.area_field;
    if (describe(src.srs()).web_mercator)
        warnings.push_back(opened.spec.option + " " + src.source_label() +
                           " is in Web Mercator (EPSG:3857), a display projection whose planar areas are wrong by "
                           "sec²(latitude) (+30 % at 29° N): redline measures it on the ellipsoid, but any area "
                           "attribute computed in it is wrong. Chinese data belong in CGCS2000 (EPSG:4490/4545).");
    r.layer = src.read(working, ctx, role, threads);
    for (const auto& w : src.warnings())
        warnings.push_back(w);
    r.features = r.layer.features.size();
    if (r.layer.features.empty())
        throw InputError(r.option + " " + r.source + ": no polygon features" +
                         (opened.spec.where.empty() ? " (the layer is empty)"
                                                    : " match the filter '" + opened.spec.where + "'") +
                         "; check the file, the layer and the filter");
    r.repaired = repair_invalid(ctx, meter, r.layer, threads);
    if (r.repaired) {
        std::string which;
        std::size_t listed = 0;
        for (const auto& f : r.layer.features)
            if (f.repaired && listed++ < 5)
                which += (which.empty() ? "" : ", ") + std::string("FID ") + std::to_string(f.fid) + " " + f.id;
        warnings.push_back(r.option + " " + r.source + ": " + std::to_string(r.repaired) + " invalid geometr" +
                           (r.repaired == 1 ? "y was" : "ies were") + " repaired with GEOS MakeValid (" + which +
                           (r.repaired > 5 ? ", ..." : "") + "; see qa.layers." + role + ".repaired)");
    }
    if (!r.area_field.empty())
        r.area_check = check_area_attribute(ctx, meter, r.layer, area_tolerance);
    return r;
}

double area_of_intersection(const GeosContext& ctx, const AreaMeter& meter, const GEOSGeometry* a,
                            const GEOSGeometry* b)
{
    if (GEOSisEmpty_r(ctx.handle(), a) || GEOSisEmpty_r(ctx.handle(), b))
        return 0.0;
    GeomPtr i = intersection(ctx, a, b);
    return meter.geodesic(ctx, i.get());
}

ShareFigure share_of(double area, double unit_area)
{
    ShareFigure f;
    f.area_m2 = area;
    f.share_pct = unit_area > 0 ? 100.0 * area / unit_area : 0.0;
    return f;
}

/// Forest codes from the options: a table's forest classes, a table named instead of a list, or a list.
ForestCodes resolve_forest_codes(const std::string& list, const std::string& table_name, const Catalogue& catalogue,
                                 const std::string& list_option, const std::string& table_option,
                                 std::optional<ClassTable>& table)
{
    if (!table_name.empty())
        table = catalogue.class_table(table_name, table_option);
    if (!list.empty() && list.find(',') == std::string::npos && catalogue.has_class_table(list)) {
        table = catalogue.class_table(list, list_option);
        return forest_codes_of(*table);
    }
    if (list.empty()) {
        if (!table)
            throw InputError("say which classes are forest: " + list_option + " 10,20 or " + table_option +
                             " NAME (run 'redline classes' for the tables)");
        return forest_codes_of(*table);
    }
    return forest_codes_from_list(list, table ? &*table : nullptr, list_option);
}

/// The land-cover raster the options name, as the raster pass and the prefetch read it.
RasterInput land_cover_input(const CoverageOptions& options)
{
    return RasterInput{ options.landcover, options.landcover_band, options.landcover_nodata, options.threads };
}

std::string join_codes(const std::set<std::string>& codes)
{
    std::string out;
    for (const auto& c : codes)
        out += (out.empty() ? "" : ",") + c;
    return out;
}

} // namespace

/// @brief What the stages hand each other. Members are destroyed in reverse order: the helper
/// thread, declared after everything it reads, is stopped and joined first when a stage throws.
struct CoverageRun::State
{
    ~State()
    {
        if (prefetch)
            prefetch->stop(); // the helper's decoding ends: it can be joined
    }

    CoverageResult result;
    const Catalogue catalogue;
    int threads = 1;
    Opened boundary, zones, redline, protected_areas, landuse, mask;
    std::optional<ClassTable> table;
    SrsPtr working;
    std::optional<AreaMeter> meter;
    /// The district and its zones measured with each shared edge solved once (the same bits as
    /// `meter`); filled on this thread, read by the tiling jobs' threads.
    std::optional<SharedEdgeAreas> shared_edges;
    std::unique_ptr<WindowPrefetch> prefetch;
    std::shared_ptr<ZoneTilingJobs> tiling_jobs; ///< shared with the helper thread
    std::size_t zone_warnings_at = 0;
    const LayerReport* redline_report = nullptr;
    const LayerReport* protected_report = nullptr;
    GeomPtr mask_geometry;
    bool use_mask = false;
    // The raster pass's units: zones, the gaps between them or the district, with their parts in the mask.
    std::vector<GeomPtr> in_mask_parts;
    GeomPtr gaps_in_district;
    std::vector<RasterPassUnit> units;
    bool zones_tile = false;
    std::unique_ptr<RasterPass> raster_pass;
    HelperThread helper; ///< with two threads or more: raster set-up, tiling jobs, decoding ahead
};

CoverageRun::CoverageRun(const CoverageOptions& options, const GeosContext& ctx, const ProgressFn& progress)
  : m_options(options)
  , m_ctx(ctx)
  , m_progress(progress)
  , m_state((gdal_init(), std::make_unique<State>()))
{
    m_state->result.version = REDLINE_VERSION;
    m_state->result.reported_areas = options.reported_areas;
    m_state->threads = options.threads > 0 ? options.threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

CoverageRun::~CoverageRun() = default;

void CoverageRun::step(double fraction, const std::string& what) const
{
    if (m_progress && !m_progress(fraction, what))
        throw Cancelled();
}

ProgressFn CoverageRun::raster_progress() const
{
    const ProgressFn progress = m_progress;
    return [progress](double f, const std::string& what) { return !progress || progress(0.30 + 0.65 * f, what); };
}

CoverageResult CoverageRun::finish()
{
    return std::move(m_state->result);
}

void CoverageRun::check_outputs()
{
    const CoverageOptions& options = m_options;
    refuse_outputs_over_inputs(options);
    for (const auto& out : { std::make_pair("--out", &options.out_gpkg), std::make_pair("--json", &options.json_path),
                             std::make_pair("--csv", &options.csv_path) })
        if (!out.second->empty())
            check_output_path(*out.second, out.first);
    if (!options.out_gpkg.empty())
        check_geopackage_name(options.out_gpkg, "--out");
}

void CoverageRun::check_outputs_against_inputs()
{
    refuse_outputs_over_inputs(m_options);
    if (!m_options.out_gpkg.empty())
        check_geopackage_name(m_options.out_gpkg, "--out");
}

void CoverageRun::open_inputs()
{
    State& s = *m_state;
    const CoverageOptions& options = m_options;
    CoverageResult& result = s.result;
    std::vector<std::string>& warnings = result.warnings;
    const Catalogue& catalogue = s.catalogue;
    for (const auto& c : options.checks) {
        const bool have = (c.key == "redline" && options.redline) || (c.key == "protected" && options.protected_areas) ||
                          (c.key == "forest" && (!options.landcover.empty() || options.landuse));
        if (!have)
            throw InputError(std::string(c.kind == FigureCheck::Kind::floor ? "--target " : "--verify ") + c.key + "=" +
                             fixed(c.percent, c.decimals) + " needs the " + c.key + " input (" +
                             (c.key == "forest" ? "--landcover or --landuse" : "--" + c.key) + ")");
    }
    for (const auto& kv : options.reported_areas)
        if (kv.first != "district" && kv.first != "redline" && kv.first != "protected" && kv.first != "forest")
            throw InputError("--reported-area " + kv.first + ": unknown key; use district, redline, protected or forest");
    if (!options.landcover.empty() && options.landuse)
        throw InputError("give forest either from a raster (--landcover) or from a land-use layer (--landuse), not both");

    std::optional<TimedStage> opening("open the vector inputs");
    s.boundary = open_vector(options.boundary, catalogue, "boundary");
    s.zones = open_vector(options.zones, catalogue, "zones");
    s.redline = open_vector(options.redline, catalogue, "redline");
    s.protected_areas = open_vector(options.protected_areas, catalogue, "protected");
    s.landuse = open_vector(options.landuse, catalogue, "landuse");
    s.mask = open_vector(options.shrub_mask, catalogue, "shrub_mask");
    opening.reset();

    std::optional<ClassTable>& table = s.table;
    if (!options.landcover.empty())
        result.forest_codes = resolve_forest_codes(options.forest_classes, options.landcover_table, catalogue,
                                                   "--forest-classes", "--landcover-table", table);
    else if (options.landuse)
        result.forest_codes = resolve_forest_codes(options.forest_codes, options.landuse_table, catalogue,
                                                   "--forest-codes", "--landuse-table", table);
    result.class_table = table;
    if (!options.landcover.empty()) {
        for (const auto* set : { &result.forest_codes.full, &result.forest_codes.masked })
            for (const auto& code : *set) {
                long long v = 0;
                if (!code_as_integer(code, v))
                    throw InputError("--forest-classes: '" + code + "' is not an integer class of a raster");
            }
    }
    if (!result.forest_codes.masked.empty() && !options.shrub_mask)
        warnings.push_back("shrubland class(es) " + join_codes(result.forest_codes.masked) +
                           " count as forest everywhere because no --shrub-mask was given; forest coverage "
                           "(森林覆盖率) counts only specially designated shrubland (国家特别规定灌木林地)");
    if (options.shrub_mask && result.forest_codes.masked.empty())
        warnings.push_back("--shrub-mask has no effect: none of the forest classes is marked 'masked' (shrubland)");
}

void CoverageRun::set_working_crs()
{
    State& s = *m_state;
    const CoverageOptions& options = m_options;
    CoverageResult& result = s.result;
    const Opened& boundary = s.boundary;
    s.working = geographic_of(boundary.source->srs());
    const SrsPtr& working = s.working;
    result.ellipsoid = ellipsoid_of(*working);
    s.meter.emplace(result.ellipsoid);
    s.shared_edges.emplace(result.ellipsoid);
    result.working_crs = label(*working);
    const SrsPtr output = options.output_crs.empty() ? clone_srs(boundary.source->srs())
                                                     : srs_from_user_input(options.output_crs, "--out-crs");
    result.output_crs = label(*output);
    result.working_srs = clone_srs(*working);
    result.output_srs = clone_srs(*output);
    if (s.prefetch)
        s.prefetch->set_working(*working);
    {
        char buf[512];
        std::snprintf(buf, sizeof buf,
                      "geodesic area (Karney 2013, PROJ geod_polygonarea) on the %s ellipsoid (a = %.3f m, 1/f = %.9f) "
                      "in %s; edges of projected layers densified to 100 m before measuring; raster cells weighted by "
                      "exact coverage fraction × ellipsoidal cell area",
                      result.ellipsoid.name.c_str(), result.ellipsoid.a, 1.0 / result.ellipsoid.f,
                      result.working_crs.c_str());
        result.area_method = buf;
    }
}

void CoverageRun::measure_district()
{
    State& s = *m_state;
    const CoverageOptions& options = m_options;
    const GeosContext& ctx = m_ctx;
    CoverageResult& result = s.result;
    std::vector<std::string>& warnings = result.warnings;
    const AreaMeter& meter = *s.meter;
    const SrsPtr& working = s.working;
    const int threads = s.threads;
    Opened& boundary = s.boundary;
    step(0.02, "reading the boundary");
    std::optional<TimedStage> boundary_stage("boundary: read, union, measure");
    LayerReport& boundary_report = result.layers["boundary"] =
      load_layer(boundary, "boundary", *working, ctx, meter, options.area_field_tolerance, warnings, threads);
    if (boundary_report.layer.features.empty())
        throw InputError(options.boundary.option + " " + boundary_report.source + ": no polygon features" +
                         (options.boundary.where.empty() ? "" : " match the filter '" + options.boundary.where + "'"));
    UnitResult& district = result.district;
    district.kind = "district";
    district.geometry = union_all(ctx, geometries_of(boundary_report.layer));
    const std::optional<std::size_t> measured = s.shared_edges->add(to_rings(ctx, district.geometry.get()));
    district.area_m2 = measured ? s.shared_edges->area(*measured) : meter.geodesic(ctx, district.geometry.get());
    if (!(district.area_m2 > 0))
        throw InputError(options.boundary.option + " " + boundary_report.source + ": the boundary encloses no area");
    if (s.prefetch)
        s.prefetch->set_district(district.geometry.get());
    if (options.survey_area)
        district.survey_area_m2 = meter.survey(ctx, district.geometry.get());
    {
        const auto& fs = boundary_report.layer.features;
        district.id = fs.size() == 1 ? fs[0].id : "";
        district.name = fs.size() == 1 ? fs[0].name : "";
        if (fs.size() > 1) {
            std::set<std::string> ids, names;
            for (const auto& f : fs) {
                ids.insert(f.id);
                names.insert(f.name);
            }
            if (ids.size() == 1)
                district.id = *ids.begin();
            if (names.size() == 1)
                district.name = *names.begin();
        }
    }

    boundary_stage.reset();
}

void CoverageRun::start_prefetch()
{
    State& s = *m_state;
    const CoverageOptions& options = m_options;
    if (options.landcover.empty() || s.threads < 2)
        return;
    s.prefetch = std::make_unique<WindowPrefetch>(land_cover_input(options), std::size_t(64) << 20);
    s.helper.post([p = s.prefetch.get()] {
        // The helper's malloc arena grown at once, in 2 MB pages (as the pass threads' are): grown
        // a little at a time it took the process's memory-map lock for each step, and the main
        // thread, faulting in its own heap meanwhile, waited on it (paired runs, district, two
        // threads: -6 ms wall, -9 ms of CPU).
        reserve_huge_heap(std::size_t(24) << 20);
        p->open();
    });
}

void CoverageRun::start_zones(bool survey_areas)
{
    State& s = *m_state;
    const CoverageOptions& options = m_options;
    CoverageResult& result = s.result;
    std::vector<std::string>& warnings = result.warnings;
    const AreaMeter& meter = *s.meter;
    const SrsPtr& working = s.working;
    const int threads = s.threads;
    const UnitResult& district = result.district;
    const GeosContext& ctx = m_ctx;
    Opened& zones = s.zones;
    // The helper decodes windows once its jobs before are done, until the raster pass starts.
    auto then_decode = [&s] {
        if (s.prefetch)
            s.helper.post([p = s.prefetch.get()] { p->decode_all(); });
    };
    if (!zones.source)
        return then_decode();
    step(0.06, "reading the zones");
    std::optional<TimedStage> zones_stage("zones: read, repair");
    LayerReport& zr = result.layers["zones"] = load_layer(zones, "zones", *working, ctx, meter, options.area_field_tolerance, warnings, threads);
    std::map<std::string, std::vector<std::int64_t>> by_id;
    for (const auto& f : zr.layer.features)
        by_id[f.id].push_back(f.fid);
    for (const auto& kv : by_id)
        if (kv.second.size() > 1)
            throw InputError(options.zones->option + " " + zr.source + ": zone id '" + kv.first +
                             "' is used by features FID " + std::to_string(kv.second[0]) + " and " +
                             std::to_string(kv.second[1]) + "; zone ids must be unique (pick another field with "
                             "--zone-id, or dissolve the zones by id first)");
    zones_stage.reset();
    // The zones' geometry work (clipping, measuring, the tiling check) needs nothing read after
    // this point. With two threads the helper thread starts on its jobs now, while this one
    // reads and dissolves the red line and protected areas, and this one takes what is left
    // when it gets to finish_zones; with --threads 1 it all runs there.
    const int workers = threads > 1 ? 2 : 1;
    s.tiling_jobs = std::make_shared<ZoneTilingJobs>(ctx, meter, geometries_of(zr.layer), district.geometry.get(),
                                                     district.area_m2, survey_areas, workers, &*s.shared_edges);
    if (workers > 1)
        s.helper.post([jobs = s.tiling_jobs] {
            TimedStage stage("zones: clip, measure, tiling check (shared)");
            jobs->work(1);
        });
    then_decode();
    s.zone_warnings_at = warnings.size();
}

void CoverageRun::measure_layers()
{
    State& s = *m_state;
    const CoverageOptions& options = m_options;
    const GeosContext& ctx = m_ctx;
    CoverageResult& result = s.result;
    std::vector<std::string>& warnings = result.warnings;
    const AreaMeter& meter = *s.meter;
    const SrsPtr& working = s.working;
    const int threads = s.threads;
    const UnitResult& district = result.district;
    auto measure_layer = [&](Opened& opened, const std::string& role, double at, const char* what) {
        step(at, what);
        TimedStage stage(role == "redline" ? "red line: read, repair, dissolve, clip, measure"
                                           : "protected areas: read, repair, dissolve, clip, measure");
        LayerReport& r = result.layers[role] = load_layer(opened, role, *working, ctx, meter, options.area_field_tolerance, warnings, threads);
        r.figures = analyse_layer(ctx, meter, r.layer, district.geometry.get(), options.survey_area, threads);
        // A layer wholly outside the district is not a share of 0 %: it is the wrong layer, or a
        // layer in the wrong CRS (e.g. a Gauss-Krüger zone other than the one it was drawn in).
        if (r.figures->inside_m2 <= 0.0 && r.figures->dissolved_m2 > 0.0)
            throw InputError(r.option + " " + r.source + " (" + fixed(r.figures->dissolved_m2 / 1e6, 3) +
                             " km², CRS " + r.crs + ") does not overlap the district (it lies wholly outside): is it "
                             "the right layer, and is its CRS the one it was drawn in (for Gauss-Krüger data: the "
                             "right zone)?");
        return &r;
    };
    if (s.redline.source)
        s.redline_report = measure_layer(s.redline, "redline", 0.10, "dissolving the red line");
    if (s.protected_areas.source)
        s.protected_report = measure_layer(s.protected_areas, "protected", 0.16, "dissolving the protected areas");
}

void CoverageRun::finish_zones()
{
    State& s = *m_state;
    const CoverageOptions& options = m_options;
    CoverageResult& result = s.result;
    std::vector<std::string>& warnings = result.warnings;
    const UnitResult& district = result.district;
    const std::unique_ptr<WindowPrefetch>& prefetch = s.prefetch;
    if (!s.tiling_jobs)
        return;
    {
        TimedStage stage("zones: clip, measure, tiling check (shared)");
        s.tiling_jobs->work(0);
    }
    if (!s.tiling_jobs->done()) {
        // The helper's last jobs: decode windows meanwhile.
        TimedStage wait("zones: wait for the helper's last tiling jobs (decoding windows meanwhile)");
        while (!s.tiling_jobs->done() && prefetch && prefetch->decode_one()) {
        }
    }
    ZoneTiling tiling = s.tiling_jobs->finish(m_ctx);
    s.tiling_jobs.reset();
    const LayerReport& zr = result.layers.at("zones");
    for (std::size_t i = 0; i < zr.layer.features.size(); ++i) {
        const PolygonFeature& f = zr.layer.features[i];
        UnitResult z;
        z.kind = "zone";
        z.id = f.id;
        z.name = f.name;
        z.geometry = std::move(tiling.clipped[i]);
        z.area_m2 = tiling.areas_m2[i];
        if (!tiling.survey_areas_m2.empty())
            z.survey_area_m2 = tiling.survey_areas_m2[i];
        result.zones.push_back(std::move(z));
    }
    // The zones' warnings go where they were before their work moved to its own thread: after
    // the zones were read, before the red line.
    std::vector<std::string> zone_warnings;
    const ZonesQa& qa = tiling.qa;
    const auto& overlaps = tiling.overlapping;
    const double noise = 1e-6 * district.area_m2;
    if (qa.gap_m2 > noise)
        zone_warnings.push_back(options.zones->option + " " + zr.source + ": the zones leave " + fixed(qa.gap_m2 / 1e6, 4) +
                                " km² of the district uncovered (layer qa_zones, kind 'gap'): zone shares do not add up "
                                "to the district's");
    if (qa.overlap_m2 > noise) {
        std::string pairs;
        for (std::size_t i = 0; i < overlaps.size() && i < 5; ++i)
            pairs += (pairs.empty() ? "" : ", ") + zr.layer.features[overlaps[i].first].id + " and " +
                     zr.layer.features[overlaps[i].second].id;
        zone_warnings.push_back(options.zones->option + " " + zr.source + ": zones overlap each other on " +
                                fixed(qa.overlap_m2 / 1e6, 4) + " km² (" + pairs + (overlaps.size() > 5 ? ", ..." : "") +
                                "; layer qa_zones, kind 'overlap'): that area counts in more than one zone");
    }
    if (qa.outside_m2 > noise)
        zone_warnings.push_back(options.zones->option + " " + zr.source + ": zones reach " + fixed(qa.outside_m2 / 1e6, 4) +
                                " km² beyond the district boundary (layer qa_zones, kind 'outside'); zones were clipped "
                                "to the district");
    warnings.insert(warnings.begin() + std::ptrdiff_t(s.zone_warnings_at), zone_warnings.begin(), zone_warnings.end());
    result.zones_qa = std::move(tiling.qa);
}

void CoverageRun::measure_shares()
{
    State& s = *m_state;
    const CoverageOptions& options = m_options;
    const GeosContext& ctx = m_ctx;
    CoverageResult& result = s.result;
    const AreaMeter& meter = *s.meter;
    const int threads = s.threads;
    UnitResult& district = result.district;
    const LayerReport* redline_report = s.redline_report;
    const LayerReport* protected_report = s.protected_report;
    auto district_share = [&](const LayerReport* r, std::optional<ShareFigure>& out) {
        if (!r)
            return;
        out = share_of(r->figures->inside_m2, district.area_m2);
        if (options.survey_area)
            out->survey_area_m2 = r->figures->survey_inside_m2;
    };
    district_share(redline_report, district.redline);
    district_share(protected_report, district.protected_areas);
    auto zone_shares = [&](const LayerReport* r, std::optional<ShareFigure> UnitResult::*share) {
        if (!r || result.zones.empty())
            return;
        std::vector<const GEOSGeometry*> zone_geometries;
        for (const auto& z : result.zones)
            zone_geometries.push_back(z.geometry.get());
        const std::vector<double> within =
          areas_within_each(ctx, meter, r->figures->inside_parts, zone_geometries, threads);
        for (std::size_t z = 0; z < result.zones.size(); ++z)
            result.zones[z].*share = share_of(within[z], result.zones[z].area_m2);
        if (options.survey_area) {
            const GeomPtr inside = r->figures->inside_parts.collect(ctx);
            for (auto& z : result.zones) {
                GeomPtr i = intersection(ctx, inside.get(), z.geometry.get());
                (z.*share)->survey_area_m2 = meter.survey(ctx, i.get());
            }
        }
    };
    zone_shares(redline_report, &UnitResult::redline);
    zone_shares(protected_report, &UnitResult::protected_areas);
}

void CoverageRun::read_shrub_mask()
{
    State& s = *m_state;
    const GeosContext& ctx = m_ctx;
    CoverageResult& result = s.result;
    if (s.mask.source) {
        step(0.20, "reading the shrub mask");
        LayerReport& mr = result.layers["shrub_mask"] = load_layer(s.mask, "shrub_mask", *s.working, ctx, *s.meter,
                                                                  m_options.area_field_tolerance, result.warnings, s.threads);
        s.mask_geometry = union_all(ctx, geometries_of(mr.layer));
    }
    s.use_mask = s.mask_geometry && !result.forest_codes.masked.empty();
}

void CoverageRun::measure_landuse_forest()
{
    State& s = *m_state;
    const CoverageOptions& options = m_options;
    const GeosContext& ctx = m_ctx;
    CoverageResult& result = s.result;
    std::vector<std::string>& warnings = result.warnings;
    const AreaMeter& meter = *s.meter;
    const SrsPtr& working = s.working;
    const int threads = s.threads;
    UnitResult& district = result.district;
    const std::optional<ClassTable>& table = s.table;
    const bool use_mask = s.use_mask;
    const GeomPtr& mask_geometry = s.mask_geometry;
    Opened& landuse = s.landuse;
    if (!landuse.source)
        return;
    step(0.24, "dissolving forest land");
    LayerReport& lr = result.layers["landuse"] = load_layer(landuse, "landuse", *working, ctx, meter, options.area_field_tolerance, warnings, threads);
    std::vector<const GEOSGeometry*> full, masked;
    std::map<std::string, std::size_t> unknown;
    for (const auto& f : lr.layer.features) {
        std::string code = f.code;
        if (table) {
            const ClassEntry* e = table->find(code);
            if (e)
                code = e->code;
            else
                ++unknown[code];
        }
        if (result.forest_codes.full.count(code))
            full.push_back(f.geometry.get());
        else if (result.forest_codes.masked.count(code))
            masked.push_back(f.geometry.get());
    }
    for (const auto& kv : unknown)
        warnings.push_back(options.landuse->option + " " + lr.source + ": " + std::to_string(kv.second) +
                           " feature(s) have code '" + kv.first + "', which the table '" + table->name() +
                           "' does not list (counted as not forest)");
    GeomPtr full_union = union_all(ctx, full);
    GeomPtr masked_union = union_all(ctx, masked);
    GeomPtr masked_in = use_mask ? intersection(ctx, masked_union.get(), mask_geometry.get())
                                 : clone(ctx, masked_union.get());
    GeomPtr forest_all = union_all(ctx, { full_union.get(), masked_in.get() });
    result.forest_geometry = intersection(ctx, forest_all.get(), district.geometry.get());
    GeomPtr masked_in_district = intersection(ctx, masked_in.get(), district.geometry.get());
    GeomPtr masked_all_district = intersection(ctx, masked_union.get(), district.geometry.get());
    auto fill_forest = [&](UnitResult& u, bool is_district) {
        ForestFigure f;
        f.source = "landuse";
        const double area = is_district ? meter.geodesic(ctx, result.forest_geometry.get())
                                        : area_of_intersection(ctx, meter, result.forest_geometry.get(), u.geometry.get());
        static_cast<ShareFigure&>(f) = share_of(area, u.area_m2);
        const double m_in = area_of_intersection(ctx, meter, masked_in_district.get(), u.geometry.get());
        const double m_all = area_of_intersection(ctx, meter, masked_all_district.get(), u.geometry.get());
        f.masked_counted_m2 = m_in;
        f.masked_excluded_m2 = std::max(0.0, m_all - m_in);
        f.share_of_valid_pct = f.share_pct;
        if (options.survey_area) {
            GeomPtr i = intersection(ctx, result.forest_geometry.get(), u.geometry.get());
            f.survey_area_m2 = meter.survey(ctx, i.get());
        }
        u.forest = f;
    };
    fill_forest(district, true);
    for (auto& z : result.zones)
        fill_forest(z, false);
}

void CoverageRun::measure_vectors()
{
    start_zones(m_options.survey_area);
    measure_layers();
    finish_zones();
    measure_shares();
    read_shrub_mask();
    measure_landuse_forest();
}

RasterPass* CoverageRun::prepare_raster_pass()
{
    State& s = *m_state;
    const CoverageOptions& options = m_options;
    const GeosContext& ctx = m_ctx;
    CoverageResult& result = s.result;
    const UnitResult& district = result.district;
    if (options.landcover.empty())
        return nullptr;
    std::vector<GeomPtr>& in_mask_parts = s.in_mask_parts;
    std::vector<RasterPassUnit>& units = s.units;
    const bool use_mask = s.use_mask;
    const GeomPtr& mask_geometry = s.mask_geometry;
    auto add_unit = [&](const UnitResult& u) {
        RasterPassUnit pu;
        pu.geometry = u.geometry.get();
        if (use_mask) {
            in_mask_parts.push_back(intersection(ctx, u.geometry.get(), mask_geometry.get()));
            pu.in_mask = in_mask_parts.back().get();
        }
        units.push_back(pu);
    };
    // When the zones tile the district without overlapping, the district's cells are the
    // zones' cells plus the gaps between them: adding those up is exact and spares a second
    // pass over every cell of the district.
    s.zones_tile = !result.zones.empty() && result.zones_qa &&
                   GEOSisEmpty_r(ctx.handle(), result.zones_qa->overlaps.get()) == 1;
    const bool zones_tile = s.zones_tile;
    GeomPtr& gaps_in_district = s.gaps_in_district;
    for (const auto& z : result.zones)
        add_unit(z);
    if (zones_tile) {
        if (GEOSisEmpty_r(ctx.handle(), result.zones_qa->gaps.get()) != 1) {
            UnitResult gap_unit;
            gap_unit.geometry = clone(ctx, result.zones_qa->gaps.get());
            add_unit(gap_unit);
            gaps_in_district = std::move(gap_unit.geometry);
            units.back().geometry = gaps_in_district.get();
        }
    } else {
        add_unit(district);
    }
    const RasterInput input = land_cover_input(options);
    std::optional<TimedStage> setup("raster: open, reproject units, index edges");
    s.raster_pass = std::make_unique<RasterPass>(input, *s.working, ctx, units,
                                                 s.prefetch ? s.prefetch->opened_for_pass() : OpenedRaster{});
    setup.reset();
    if (s.prefetch) {
        s.prefetch->stop();
        s.raster_pass->take_prefetched(*s.prefetch);
    }
    return s.raster_pass.get();
}

RasterPassResult CoverageRun::read_raster()
{
    TimedStage stage("raster: pass");
    return m_state->raster_pass->run(raster_progress());
}

void CoverageRun::measure_raster_forest(RasterPassResult pass)
{
    State& s = *m_state;
    CoverageResult& result = s.result;
    std::vector<std::string>& warnings = result.warnings;
    UnitResult& district = result.district;
    const std::optional<ClassTable>& table = s.table;
    const bool use_mask = s.use_mask;
    const bool zones_tile = s.zones_tile;
    pass.report.table = table ? table->name() : "";
    result.raster = pass.report;
    // The district's class areas: its own entry, or the sum of the zones and gaps in a fixed order.
    const std::size_t district_index = result.zones.size();
    if (zones_tile) {
        ZoneClassTotals sum;
        bool covered = true;
        for (std::size_t i = 0; i < pass.units.size(); ++i) {
            sum.add(pass.units[i]);
            covered = covered && pass.fully_covered[i];
        }
        pass.units.resize(district_index + 1);
        pass.fully_covered.resize(district_index + 1);
        pass.units[district_index] = std::move(sum);
        pass.fully_covered[district_index] = covered;
    }

    auto int_codes = [](const std::set<std::string>& codes) {
        std::vector<std::int64_t> out;
        for (const auto& c : codes) {
            long long v = 0;
            code_as_integer(c, v);
            out.push_back(v);
        }
        return out;
    };
    const auto full = int_codes(result.forest_codes.full);
    const auto masked = int_codes(result.forest_codes.masked);
    auto fill_forest = [&](UnitResult& u, std::size_t index) {
        const ZoneClassTotals& areas = pass.units[index];
        ForestFigure f;
        f.source = "landcover";
        double forest = 0, masked_all = 0, masked_in = 0;
        for (auto v : full)
            forest += areas.all.area_of(v);
        for (auto v : masked) {
            masked_all += areas.all.area_of(v);
            masked_in += use_mask ? areas.in_mask.area_of(v) : areas.all.area_of(v);
        }
        forest += masked_in;
        static_cast<ShareFigure&>(f) = share_of(forest, u.area_m2);
        f.masked_counted_m2 = masked_in;
        f.masked_excluded_m2 = std::max(0.0, masked_all - masked_in);
        f.nodata_m2 = areas.all.nodata_area();
        const double seen = areas.all.valid_area() + f.nodata_m2;
        f.outside_data_m2 = pass.fully_covered[index] ? 0.0 : std::max(0.0, u.area_m2 - seen);
        const double valid = u.area_m2 - f.nodata_m2 - f.outside_data_m2;
        f.share_of_valid_pct = valid > 0 ? 100.0 * forest / valid : 0.0;
        for (const auto& kv : areas.all.classes())
            f.class_areas_m2[std::to_string(kv.first)] = kv.second;
        u.forest = f;
    };
    fill_forest(district, district_index);
    for (std::size_t i = 0; i < result.zones.size(); ++i)
        fill_forest(result.zones[i], i);
    if (district.forest->nodata_m2 > 0)
        warnings.push_back("the land-cover raster has nodata on " + fixed(district.forest->nodata_m2 / 1e6, 3) +
                           " km² of the district: that area counts as not forest (forest share of the area with "
                           "data: " + fixed(district.forest->share_of_valid_pct, 3) + " %)");
    if (district.forest->outside_data_m2 > 1e-6 * district.area_m2)
        warnings.push_back("the land-cover raster misses " + fixed(district.forest->outside_data_m2 / 1e6, 3) +
                           " km² of the district: that area counts as not forest");
}

void CoverageRun::check_figures()
{
    State& s = *m_state;
    const CoverageOptions& options = m_options;
    CoverageResult& result = s.result;
    std::vector<std::string>& warnings = result.warnings;
    UnitResult& district = result.district;
    const LayerReport* redline_report = s.redline_report;
    const LayerReport* protected_report = s.protected_report;
    step(0.96, "checking the figures");
    const double reported_district =
      options.reported_areas.count("district") ? options.reported_areas.at("district").m2 : 0.0;
    auto check_unit = [&](UnitResult& u, bool is_district) {
        for (const FigureCheck& c : options.checks) {
            // A published figure is the district's: zones are held to the policy floors only.
            if (!is_district && c.kind == FigureCheck::Kind::verify)
                continue;
            const ShareFigure* f = u.figure(c.key);
            CheckResult cr;
            cr.check = c;
            cr.actual_pct = f ? f->share_pct : 0.0;
            cr.outcome = evaluate(c, cr.actual_pct);
            if (is_district && c.kind == FigureCheck::Kind::verify && f) {
                std::vector<ShareVariant> variants;
                const double d = u.area_m2;
                const auto reported = options.reported_areas.find(c.key);
                const std::optional<AreaFigure> reported_numerator =
                  reported == options.reported_areas.end() ? std::nullopt : std::optional<AreaFigure>(reported->second);
                const LayerReport* lr = c.key == "redline" ? redline_report : c.key == "protected" ? protected_report : nullptr;
                if (lr) {
                    const LayerFigures& lf = *lr->figures;
                    variants.push_back({ "the sum of the polygons' areas, overlaps counted twice and parts outside "
                                         "the district kept",
                                         lf.sum_of_parts_m2, d });
                    variants.push_back({ "the sum of the polygons' areas clipped to the district, overlaps counted twice",
                                         lf.clipped_parts_m2, d });
                    variants.push_back({ "the dissolved layer with its parts outside the district", lf.dissolved_m2, d });
                    if (lr->repaired)
                        variants.push_back({ "the polygons measured as drawn, before invalid ones were repaired",
                                             lf.area_as_drawn_sum_m2, d });
                    if (lr->area_check)
                        variants.push_back({ "the sum of the area attribute " + lr->area_field,
                                             lr->area_check->attribute_sum_m2, d });
                    if (reported_district > 0) {
                        variants.push_back({ "the sum of the polygons' areas over the published district area",
                                             lf.sum_of_parts_m2, reported_district });
                        if (lr->area_check)
                            variants.push_back({ "the sum of the area attribute over the published district area",
                                                 lr->area_check->attribute_sum_m2, reported_district });
                    }
                    if (lf.survey_inside_m2 && u.survey_area_m2)
                        variants.push_back({ "the survey's ellipsoidal-trapezoid areas", *lf.survey_inside_m2,
                                             *u.survey_area_m2 });
                }
                if (c.key == "forest" && u.forest) {
                    const ForestFigure& ff = *u.forest;
                    variants.push_back({ "forest over the area with data (nodata and uncovered parts left out)",
                                         ff.area_m2, u.area_m2 - ff.nodata_m2 - ff.outside_data_m2 });
                    if (ff.masked_excluded_m2 > 0)
                        variants.push_back({ "forest with all shrubland counted (no mask)",
                                             ff.area_m2 + ff.masked_excluded_m2, d });
                    if (ff.masked_counted_m2 > 0)
                        variants.push_back({ "forest without any shrubland", ff.area_m2 - ff.masked_counted_m2, d });
                }
                if (reported_district > 0)
                    variants.push_back({ "our " + c.key + " area over the published district area", f->area_m2,
                                         reported_district });
                if (reported_numerator)
                    variants.push_back({ "the published " + c.key + " area over our district area", reported_numerator->m2, d });
                cr.reconciliation = reconcile(c, ShareVariant{ "measured", f->area_m2, d }, reported_numerator, variants);
            }
            u.checks.push_back(std::move(cr));
        }
    };
    check_unit(district, true);
    for (auto& z : result.zones)
        check_unit(z, false);
    if (reported_district > 0) {
        const double diff = district.area_m2 - reported_district;
        if (std::abs(diff) > 0.001 * reported_district)
            warnings.push_back("the measured district area " + fixed(district.area_m2 / 1e6, 2) +
                               " km² differs from the published " + fixed(reported_district / 1e6, 2) + " km² by " +
                               fixed(diff / 1e6, 2) + " km²: shares over the two denominators differ accordingly");
    }
    step(1.0, "done");
}

} // namespace redline
