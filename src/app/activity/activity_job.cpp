#include "activity/activity_job.h"
#include "activity/activity_stages.h"
#include "crop_parcel.h"

#include "area_meter.h"
#include "atomic_file.h"
#include "activity/band_resolution.h"
#include "catalogue.h"
#include "activity/change_pass.h"
#include "activity/cloud_screen.h"
#include "error.h"
#include "fnv1a.h"
#include "gdal_error.h"
#include "common/ordered_pipeline.h"
#include "patch_confidence.h"
#include "patch_labeling.h"
#include "polygon_ops.h"
#include "polygonize.h"
#include "reproject_rings.h"
#include "robust_stats.h"
#include "common/stage_timeline.h"
#include "text.h"

#include <ogr_geometry.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace redline {

namespace {

/// Tiles of the footprint on the image's block grid, row-major: each block is decompressed once
/// per pass, and labelling takes bands of rows tile by tile from the left. Blocks that are strips
/// or very large are grouped or cut into 256 × 256 tiles.
std::vector<Window> block_tiles(const Window& footprint, int block_cols, int block_rows)
{
    auto step = [](int block) { return block >= 64 && block <= 1024 ? block : 256; };
    const int tc = step(block_cols), tr = step(block_rows);
    std::vector<Window> out;
    const int r_first = (footprint.row0 / tr) * tr, c_first = (footprint.col0 / tc) * tc;
    for (int r = r_first; r < footprint.row_end(); r += tr)
        for (int c = c_first; c < footprint.col_end(); c += tc) {
            const Window tile = Window{ c, r, tc, tr }.intersection(footprint);
            if (!tile.empty()) out.push_back(tile);
        }
    return out;
}

/// Every @p stride-th window, for the sampling passes.
std::vector<Window> sample_windows(const std::vector<Window>& all, std::size_t max_cells)
{
    std::size_t total = 0;
    for (const Window& w : all)
        total += w.size();
    const std::size_t stride =
      std::max<std::size_t>(1, (total + max_cells - 1) / std::max<std::size_t>(1, max_cells));
    std::vector<Window> out;
    for (std::size_t i = 0; i < all.size(); i += stride)
        out.push_back(all[i]);
    return out;
}

std::string safe_id(const std::string& id)
{
    std::string out;
    for (unsigned char c : id)
        out += (std::isalnum(c) || c == '-' || c == '_') ? char(c) : '_';
    return out.empty() ? "x" : out;
}

/// Recycles window results between the consumer and the workers: a row band's arrays are tens of
/// megabytes, and allocating them afresh for every window cost a fifth of the run in page faults.
template<typename Item>
class ItemPool
{
public:
    std::unique_ptr<Item> take()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_free.empty()) return std::make_unique<Item>();
        auto w = std::move(m_free.back());
        m_free.pop_back();
        return w;
    }
    void give(std::unique_ptr<Item> w)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_free.push_back(std::move(w));
    }

private:
    std::mutex m_mutex;
    std::vector<std::unique_ptr<Item>> m_free;
};

/// Reads @p windows through readers made by @p make_reader(thread index), one per thread; @p fill
/// (reader, window, scratch, item) makes each window's result, handed to @p consume in window
/// order (scratch: a WindowChange of the thread's own, for results that keep less).
///
/// Each thread takes the windows of its own share of the columns: a window reads a one-cell halo
/// from the blocks around it, and a thread's GDAL datasets only cache what that thread decoded.
/// Up to @p pending results may wait for their turn: the threads work on the same row of windows
/// at once only if a thread's whole share of a row can wait while the shares to its left are
/// consumed, so detection passes at least a row of (small) results.
template<typename Item, typename MakeReader, typename Fill, typename Consume>
void read_windows(const std::vector<Window>& windows,
                  int threads,
                  std::size_t pending,
                  MakeReader make_reader,
                  Fill fill,
                  Consume consume)
{
    int col_min = 1 << 30, col_max = 0;
    for (const Window& w : windows) {
        col_min = std::min(col_min, w.col0);
        col_max = std::max(col_max, w.col_end());
    }
    auto owner = [&](std::size_t i, int thread_count) {
        const int centre = windows[i].col0 + windows[i].cols / 2;
        return std::min(
          thread_count - 1,
          int(double(centre - col_min) / double(std::max(1, col_max - col_min)) * thread_count));
    };
    ItemPool<Item> pool;
    using Ptr = std::unique_ptr<Item>;
    auto make_worker = [&](int t) {
        std::shared_ptr<ChangeWindowReader> reader = make_reader(t);
        auto scratch = std::make_shared<WindowChange>();
        return [reader, scratch, &windows, &pool, &fill](std::size_t i) {
            StageTimeline& timeline = StageTimeline::instance();
            const double t0 = timeline.enabled() ? timeline.now() : 0.0;
            Ptr item = pool.take();
            fill(*reader, windows[i], *scratch, *item);
            if (timeline.enabled()) timeline.add_total("window: read and score", timeline.now() - t0);
            return item;
        };
    };
    const int used =
      int(std::max<std::size_t>(1, std::min<std::size_t>(windows.size(), std::size_t(std::max(1, threads)))));
    const int per_thread =
      int(std::max<std::size_t>(2, (pending + std::size_t(used) - 1) / std::size_t(used)));
    run_ordered<Ptr>(
      windows.size(),
      threads,
      make_worker,
      [&](std::size_t i, Ptr&& item) {
          const bool go_on = consume(i, *item);
          pool.give(std::move(item));
          return go_on;
      },
      per_thread,
      owner);
}

/// What labelling needs of one tile: the level of every cell, and the attributes of the changed
/// cells only (a few per cent of them), so that a whole row of tiles can wait for its turn in
/// little memory.
struct TileChange
{
    Window window;
    std::int64_t analysed = 0, masked = 0; ///< cells inside the red line, valid / not
    std::vector<std::uint8_t> level;       ///< every cell of the window
    std::vector<std::uint32_t> at;         ///< the changed cells (level > 0), row-major index
    std::vector<std::uint8_t> type;
    std::vector<float> score, ndvi_before, ndvi_after, water_before, water_after, bare_before, bare_after,
      brightness_after;
    std::vector<double> cell_area;

    /// Keeps what labelling needs of @p c.
    void take(const WindowChange& c)
    {
        window = c.window;
        analysed = masked = 0;
        const std::size_t n = c.window.size();
        for (std::size_t i = 0; i < n; ++i)
            if (c.inside[i] > 0.0f) {
                if (c.valid[i])
                    ++analysed;
                else
                    ++masked;
            }
        level.assign(c.level.begin(), c.level.begin() + std::ptrdiff_t(n));
        at.clear();
        for (std::size_t i = 0; i < n; ++i)
            if (level[i]) at.push_back(std::uint32_t(i));
        auto gather = [&](std::vector<float>& out, const std::vector<float>& in) {
            out.resize(at.size());
            for (std::size_t j = 0; j < at.size(); ++j)
                out[j] = in[at[j]];
        };
        type.resize(at.size());
        cell_area.resize(at.size());
        for (std::size_t j = 0; j < at.size(); ++j) {
            type[j] = c.type[at[j]];
            cell_area[j] = c.cell_area[at[j]];
        }
        gather(score, c.score);
        gather(ndvi_before, c.ndvi_before);
        gather(ndvi_after, c.ndvi_after);
        gather(water_before, c.water_before);
        gather(water_after, c.water_after);
        gather(bare_before, c.bare_before);
        gather(bare_after, c.bare_after);
        gather(brightness_after, c.brightness_after);
    }
};

/// The dense rows PatchLabeler reads, rebuilt from a TileChange (cells that did not change are
/// never read, so only the changed ones are written).
class TileRows
{
public:
    const std::vector<PixelRow>& rows(const TileChange& t)
    {
        const Window& w = t.window;
        const std::size_t n = w.size();
        for (auto* v : { &m_score,
                         &m_ndvi_before,
                         &m_ndvi_after,
                         &m_water_before,
                         &m_water_after,
                         &m_bare_before,
                         &m_bare_after,
                         &m_brightness_after })
            if (v->size() < n) v->resize(n);
        if (m_type.size() < n) m_type.resize(n);
        if (m_cell_area.size() < n) m_cell_area.resize(n);
        for (std::size_t j = 0; j < t.at.size(); ++j) {
            const std::size_t i = t.at[j];
            m_type[i] = t.type[j];
            m_score[i] = t.score[j];
            m_ndvi_before[i] = t.ndvi_before[j];
            m_ndvi_after[i] = t.ndvi_after[j];
            m_water_before[i] = t.water_before[j];
            m_water_after[i] = t.water_after[j];
            m_bare_before[i] = t.bare_before[j];
            m_bare_after[i] = t.bare_after[j];
            m_brightness_after[i] = t.brightness_after[j];
            m_cell_area[i] = t.cell_area[j];
        }
        m_rows.resize(std::size_t(w.rows));
        for (int r = 0; r < w.rows; ++r) {
            const std::size_t o = std::size_t(r) * w.cols;
            PixelRow& row = m_rows[std::size_t(r)];
            row.level = t.level.data() + o;
            row.type = m_type.data() + o;
            row.score = m_score.data() + o;
            row.ndvi_before = m_ndvi_before.data() + o;
            row.ndvi_after = m_ndvi_after.data() + o;
            row.water_before = m_water_before.data() + o;
            row.water_after = m_water_after.data() + o;
            row.bare_before = m_bare_before.data() + o;
            row.bare_after = m_bare_after.data() + o;
            row.brightness_after = m_brightness_after.data() + o;
            row.cell_area = m_cell_area.data() + o;
        }
        return m_rows;
    }

private:
    std::vector<std::uint8_t> m_type;
    std::vector<float> m_score, m_ndvi_before, m_ndvi_after, m_water_before, m_water_after, m_bare_before,
      m_bare_after, m_brightness_after;
    std::vector<double> m_cell_area;
    std::vector<PixelRow> m_rows;
};

/// A component that may become a patch: grown from a strong cell, scoring on average at least the
/// threshold, and at least half the minimum mapping unit (the final area test is on the outline).
bool could_be_patch(const PatchStats& s, double min_area_m2)
{
    return s.strong > 0 && s.area() >= 0.5 * min_area_m2;
}

/// The outlines of the components @p out keeps, by component (root label).
void collect_polygons(LabelRaster& labels, PatchLabeler& labeler, ChangeComponents& out)
{
    auto polygons = labels.polygonize();
    for (auto& kv : polygons) {
        const std::int32_t root = labeler.root(kv.first);
        if (!out.stats.count(root)) continue;
        for (auto& g : kv.second)
            out.polygons[root].push_back(std::move(g));
    }
}

/// The attributes a patch takes from its whole component (so that the pieces of a patch split by
/// red-line polygons agree): type, index means, score, cells and the confidence model's verdict.
void describe_component(const PatchStats& s, const ConfidenceModel& model, ActivityPatch& p)
{
    p.change_type = change_type_name(s.type());
    p.ndvi_before = s.mean(s.ndvi_before);
    p.ndvi_after = s.mean(s.ndvi_after);
    p.water_before = s.mean(s.water_before);
    p.water_after = s.mean(s.water_after);
    p.bare_before = s.mean(s.bare_before);
    p.bare_after = s.mean(s.bare_after);
    p.score = s.mean(s.score);
    p.pixels = int(s.pixels);
    p.strong_share = double(s.strong) / double(std::max<std::int64_t>(1, s.pixels));
    // Confidence: the model's probability that a patch like this is real.
    PatchEvidence e;
    e.score = p.score;
    e.cells = double(s.pixels);
    e.strong_share = p.strong_share;
    e.ndvi_before = p.ndvi_before;
    e.ndvi_after = p.ndvi_after;
    e.water_before = p.water_before;
    e.water_after = p.water_after;
    e.bare_before = p.bare_before;
    e.bare_after = p.bare_after;
    e.type = s.type();
    p.confidence = std::round(100.0 * model.confidence(e)) / 100.0;
}

/// A point of the piece for navigation: its centroid when that lies inside, else a point on its surface.
Point navigation_point(const GeosContext& ctx, const GEOSGeometry* piece)
{
    GeomPtr centroid = take(ctx, GEOSGetCentroid_r(ctx.handle(), piece), "centroid");
    Point at{ 0, 0 };
    if (GEOSContains_r(ctx.handle(), piece, centroid.get()) == 1) {
        GEOSGeomGetX_r(ctx.handle(), centroid.get(), &at.x);
        GEOSGeomGetY_r(ctx.handle(), centroid.get(), &at.y);
        return at;
    }
    return point_on_surface(ctx, piece);
}

/// Stable id: the red-line polygon and the patch's point to the metre; a second patch at the same
/// point (rare: two pieces of one polygon) gets "-2", and so on.
std::string patch_id(const std::string& redline_id, const Point& at, std::map<std::string, int>& uses)
{
    char where[64];
    std::snprintf(where, sizeof where, "%.5f,%.5f", at.x, at.y);
    char hash[17];
    std::snprintf(hash, sizeof hash, "%08llx",
                  (unsigned long long)(fnv1a64(redline_id + "|" + where) & 0xffffffffull));
    std::string id = "P" + safe_id(redline_id) + "-" + hash;
    const int use = uses[id]++;
    if (use) id += "-" + std::to_string(use + 1);
    return id;
}

/// The parts of @p patch in each polygon of @p polygons (with their @p boxes), as (polygon, part);
/// where polygons overlap, the first one takes the cells. @p inside_area: their ellipsoidal area.
std::vector<std::pair<std::size_t, GeomPtr>> split_by_polygon(const GeosContext& ctx,
                                                              const AreaMeter& meter,
                                                              const GEOSGeometry* patch,
                                                              const std::vector<const GEOSGeometry*>& polygons,
                                                              const std::vector<Box>& boxes,
                                                              double& inside_area)
{
    std::vector<std::pair<std::size_t, GeomPtr>> pieces;
    const Box pb = bounds(ctx, patch);
    GeomPtr remaining = clone(ctx, patch);
    for (std::size_t i = 0; i < polygons.size() && !GEOSisEmpty_r(ctx.handle(), remaining.get()); ++i) {
        if (!pb.intersects(boxes[i])) continue;
        GeomPtr piece = intersection(ctx, remaining.get(), polygons[i]);
        if (GEOSisEmpty_r(ctx.handle(), piece.get())) continue;
        remaining = difference(ctx, remaining.get(), polygons[i]);
        inside_area += meter.geodesic(ctx, piece.get());
        pieces.emplace_back(i, std::move(piece));
    }
    return pieces;
}

/// The zone that holds @p at, or null.
const PolygonFeature* zone_at(const GeosContext& ctx, const PolygonLayer& zones,
                              const std::vector<PreparedPtr>& prepared, const Point& at)
{
    GeomPtr pt = take(ctx, GEOSGeom_createPointFromXY_r(ctx.handle(), at.x, at.y), "point");
    for (std::size_t z = 0; z < zones.features.size(); ++z)
        if (GEOSPreparedContains_r(ctx.handle(), prepared[z].get(), pt.get()) == 1) return &zones.features[z];
    return nullptr;
}

/// Patches and their area per red-line polygon.
std::vector<RedlineSummary> redline_summaries(const PolygonLayer& redline, const std::vector<ActivityPatch>& patches,
                                              const AreaMeter& meter, const GeosContext& ctx)
{
    std::vector<RedlineSummary> out;
    for (const auto& f : redline.features) {
        RedlineSummary s;
        s.id = f.id;
        s.name = f.name;
        s.area_m2 = meter.geodesic(ctx, f.geometry.get());
        for (const auto& p : patches)
            if (p.redline_id == s.id) {
                ++s.patches;
                s.patch_area_m2 += p.area_m2;
            }
        out.push_back(s);
    }
    return out;
}

/// A temporary folder (the label raster of one run of rows) that is removed with everything in it
/// when the detection ends, however it ends.
class ScratchFolder
{
public:
    explicit ScratchFolder(std::string path)
      : m_path(std::move(path))
    {
        std::error_code ec;
        fs::create_directories(m_path, ec);
        if (ec) throw OutputError("cannot create the temporary folder " + m_path + " (" + ec.message() + ")");
    }
    ~ScratchFolder()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

/// The roots of the components on the first and last rows of @p out (kept in its first_row and
/// last_row), and of its components only those that may still become patches: those wholly inside
/// the rows that cannot are dropped, those on the first or last row may grow into one when joined
/// with the rows beyond.
void keep_possible_patches(PatchLabeler& labeler, const std::vector<std::int32_t>& first_labels,
                           const std::vector<std::int32_t>& last_labels, double min_area_m2, ChangeComponents& out)
{
    out.first_row.assign(std::size_t(out.cols), 0);
    out.last_row.assign(std::size_t(out.cols), 0);
    std::set<std::int32_t> on_edges;
    for (std::size_t c = 0; c < first_labels.size(); ++c)
        if (first_labels[c]) on_edges.insert(out.first_row[c] = labeler.root(first_labels[c]));
    for (std::size_t c = 0; c < last_labels.size(); ++c)
        if (last_labels[c]) on_edges.insert(out.last_row[c] = labeler.root(last_labels[c]));
    for (auto it = out.stats.begin(); it != out.stats.end();)
        if (!on_edges.count(it->first) && !could_be_patch(it->second, min_area_m2))
            it = out.stats.erase(it);
        else
            ++it;
}

} // namespace

/// What the stages share: the images, the red line on the image grid, the zones.
struct ActivityRun::State
{
    ImageSpec before, after;
    std::unique_ptr<ImagePair> images;
    SrsPtr working;
    std::unique_ptr<AreaMeter> meter;
    PolygonLayer redline;
    std::optional<PolygonLayer> zones;
    std::shared_ptr<const CoverageRasterizer> rasterizer;
    Window footprint;
    std::vector<Window> samples;
    int threads = 1;
    std::string work_parent; ///< where temporary label rasters go
    bool calibrated = false;
    ConfidenceModel confidence;
};

ActivityRun::~ActivityRun() = default;

ActivityRun::ActivityRun(const ActivityOptions& options,
                         const GeosContext& ctx,
                         const ProgressFn& progress,
                         bool check_outputs)
  : m_state(std::make_unique<State>())
  , m_options(options)
  , m_ctx(ctx)
  , m_progress(progress)
{
    gdal_init();
    const Catalogue catalogue;
    m_result.version = REDLINE_VERSION;
    m_result.min_area_m2 = options.min_area_m2;
    check_output_options(check_outputs);
    open_images(catalogue);
    read_redline_and_zones(catalogue);
    lay_out_tiles(check_outputs);
}

void ActivityRun::check_output_options(bool check_outputs)
{
    const ActivityOptions& options = m_options;
    if (!(options.min_area_m2 >= 0)) throw InputError("--min-area must be a non-negative area in m²");
    for (const auto& out : { std::make_pair("--out", &options.out_gpkg),
                             std::make_pair("--json", &options.json_path),
                             std::make_pair("--csv", &options.csv_path) })
        if (!out.second->empty() && check_outputs)
            check_output_path(*out.second, out.first);
    for (const auto& out : { options.out_gpkg, options.json_path, options.csv_path })
        for (const auto& in : { options.before.path,
                                options.after.path,
                                options.before.mask,
                                options.after.mask,
                                options.redline.path })
            if (!out.empty() && !in.empty() && canonical_path(out) == canonical_path(in))
                throw InputError("output " + out +
                                 " is also an input; redline never overwrites an input: choose "
                                 "another output name");
    if (!options.out_gpkg.empty()) check_geopackage_name(options.out_gpkg, "--out");
}

void ActivityRun::open_images(const Catalogue& catalogue)
{
    State& st = *m_state;
    const ActivityOptions& options = m_options;
    ActivityResult& result = m_result;
    auto step = [&](double f, const std::string& what) {
        if (m_progress && !m_progress(f, what)) throw Cancelled();
    };
    // 1. The two dates and how to read them.
    ImageSpec& before = st.before;
    ImageSpec& after = st.after;
    before.option = "--before";
    after.option = "--after";
    before.path = options.before.path;
    after.path = options.after.path;
    {
        // Both files opened first: a missing or unreadable image is reported before any question
        // of which band is which. Then each date's bands: options, else the file's own names.
        const ImageBandsFile before_file(before.path, "--before"), after_file(after.path, "--after");
        result.input.before = resolve_bands(before_file, options.before, nullptr, catalogue);
        result.input.after = resolve_bands(after_file, options.after, &options.before, catalogue);
        warn_of_seasons(before_file, after_file, catalogue);
        before.bands = result.input.before.mapping;
        after.bands = result.input.after.mapping;
        result.input.misregistration = parse_after_shift(options.after_shift);
    }
    before.nodata = options.before.nodata;
    after.nodata = options.after.nodata;
    before.mask_path = options.before.mask;
    after.mask_path = options.after.mask;
    if (!before.mask_path.empty() || !after.mask_path.empty()) {
        const MaskConvention rule =
          MaskConvention::parse(catalogue.text("masks", options.mask_convention, "--mask-convention"),
                                catalogue.layers_dir() + "/masks/" + options.mask_convention + ".txt");
        before.mask_rule = after.mask_rule = rule;
        result.mask_convention = rule.describe();
    }
    result.before_bands =
      before.bands.describe() + (before.bands.preset.empty() ? "" : " (" + before.bands.preset + ")");
    result.after_bands =
      after.bands.describe() + (after.bands.preset.empty() ? "" : " (" + after.bands.preset + ")");
    result.before_spec = before;
    result.after_spec = after;
    st.confidence =
      ConfidenceModel::parse(catalogue.text("models", "activity_confidence", "the confidence model"),
                             catalogue.layers_dir() + "/models/activity_confidence.txt");
    result.confidence_model = st.confidence.describe();
    result.min_confidence = options.min_confidence ? *options.min_confidence : st.confidence.deliver_from();

    step(0.01, "opening the images");
    st.images = std::make_unique<ImagePair>(before, after);
    const ImagePair& images = *st.images;
    const Grid& grid = images.grid();
    result.image_crs = label(images.srs());
    result.pixel_dx = grid.dx();
    result.pixel_dy = grid.dy();
    result.cols = grid.cols();
    result.rows = grid.rows();
    result.after_warped = images.after_warped();
    result.input.resampling = images.after_resampling();
    result.overlap_fraction = images.overlap_fraction();
    result.swir = images.has_swir();
    if (result.swir) {
        result.indices = { "NDVI = (nir - red) / (nir + red)",
                           "water: MNDWI = (green - swir1) / (green + swir1)",
                           "bare: BSI = ((swir1 + red) - (nir + blue)) / ((swir1 + red) + (nir + blue))" };
    } else {
        result.indices = { "NDVI = (nir - red) / (nir + red)",
                           "water: NDWI = (green - nir) / (green + nir)",
                           "bare: visible brightness = (blue + green + red) / 3" };
        result.disabled = {
            "no swir1 band in both dates: MNDWI and BSI (which need SWIR) are off; water uses NDWI "
            "(green, nir), bare/built uses visible brightness, both less selective"
        };
    }
    if (images.overlap_fraction() < 0.999)
        result.warnings.push_back("the after image covers " + fixed(100 * images.overlap_fraction(), 1) +
                                  " % of the before image's extent; the rest is left out");
}

void ActivityRun::warn_of_seasons(const ImageBandsFile& before, const ImageBandsFile& after, const Catalogue& catalogue)
{
    const AcquisitionDateRules rules =
      AcquisitionDateRules::parse(catalogue.text("bands/recognition", "acquisition_date", "--before"),
                                  catalogue.layers_dir() + "/bands/recognition/acquisition_date.txt");
    ImageInputReport& input = m_result.input;
    input.before_acquired = find_acquisition_date(before.dataset_metadata(), rules);
    input.after_acquired = find_acquisition_date(after.dataset_metadata(), rules);
    // Between two seasons crops are sown and harvested, grass dries and leaves fall: real changes of
    // the land's cover that are not activity, and that no threshold in the scene tells from a
    // clearing (OSCD's saclay_e, March and August, loses most of its precision to harvested fields).
    const auto gap = season_gap(input);
    m_seasons_apart = gap && *gap > rules.season_warning_days;
    m_crop_cycle_max_cv = rules.crop_cycle_max_cv;
    if (!m_options.crop_screen)
        m_result.crop_screen = "off (--crop-screen off)";
    else if (!gap)
        m_result.crop_screen = "not applied: an image does not say when it was taken";
    else if (!m_seasons_apart)
        m_result.crop_screen = "not applied: the dates are " + fixed(*gap, 0) + " days apart in the season (within " +
                               fixed(rules.season_warning_days, 0) + ")";
    else if (!(m_crop_cycle_max_cv > 0))
        m_result.crop_screen = "off (the catalogue's crop cycle max brightness cv is 0)";
    else
        m_result.crop_screen = "applied: the dates are " + fixed(*gap, 0) +
                               " days apart in the season; vegetation_to_bare patches whose after brightness varies by "
                               "less than " + fixed(100 * m_crop_cycle_max_cv, 0) + " % of its mean are withheld";
    if (m_seasons_apart)
        m_result.warnings.push_back(
          "the dates are " + fixed(*gap, 0) + " days apart in the season (" + input.before_acquired->date.iso() +
          ", " + input.after_acquired->date.iso() +
          "): crops, grass and deciduous leaves change with the season, and fields harvested or ploughed between "
          "them show as vegetation_to_bare; compare images of the same season (within " +
          fixed(rules.season_warning_days, 0) + " days) where you can");
}

void ActivityRun::read_redline_and_zones(const Catalogue& catalogue)
{
    State& st = *m_state;
    const ActivityOptions& options = m_options;
    ActivityResult& result = m_result;
    const GeosContext& ctx = m_ctx;
    const ImagePair& images = *st.images;
    const Grid& grid = images.grid();
    auto step = [&](double f, const std::string& what) {
        if (m_progress && !m_progress(f, what)) throw Cancelled();
    };
    // 2. The red line, in the working CRS and on the image grid.
    step(0.03, "reading the red line");
    VectorSpec redline_spec = options.redline;
    {
        const Catalogue::Schema schema = catalogue.schema("redline");
        if (redline_spec.id_candidates.empty()) redline_spec.id_candidates = schema.id;
        if (redline_spec.name_candidates.empty()) redline_spec.name_candidates = schema.name;
    }
    VectorSource redline_source(redline_spec);
    st.working = geographic_of(redline_source.srs());
    result.ellipsoid = ellipsoid_of(*st.working);
    st.meter = std::make_unique<AreaMeter>(result.ellipsoid);
    const AreaMeter& meter = *st.meter;
    result.working_srs = clone_srs(*st.working);
    result.output_srs = clone_srs(redline_source.srs());
    result.area_method = "geodesic area (Karney 2013, PROJ geod_polygonarea) on the " +
                         result.ellipsoid.name + " ellipsoid in " + label(*st.working);
    st.redline = redline_source.read(*st.working, ctx, "redline");
    PolygonLayer& redline = st.redline;
    for (const auto& w : redline_source.warnings())
        result.warnings.push_back(w);
    const std::size_t repaired = repair_invalid(ctx, meter, redline);
    if (repaired)
        result.warnings.push_back(std::to_string(repaired) + " invalid red-line geometr" +
                                  (repaired == 1 ? "y was" : "ies were") + " repaired with GEOS MakeValid");
    if (redline.features.empty())
        throw InputError(options.redline.option + " " + redline_source.source_label() +
                         ": no polygon features");
    GeomPtr redline_union = union_all(ctx, geometries_of(redline));
    result.redline_extent = bounds(ctx, redline_union.get());
    const Reprojection to_image(*st.working, images.srs(), 0.0, "--redline");
    st.rasterizer = std::make_shared<const CoverageRasterizer>(
      grid, reproject_to_rings(ctx, redline_union.get(), to_image), 64);
    st.footprint = st.rasterizer->footprint();
    if (st.footprint.empty())
        throw InputError("--redline " + redline_source.source_label() +
                         " does not overlap the images: the red line and the imagery cover different places");

    if (options.zones) {
        VectorSpec zspec = *options.zones;
        const Catalogue::Schema schema = catalogue.schema("zones");
        if (zspec.id_candidates.empty()) zspec.id_candidates = schema.id;
        if (zspec.name_candidates.empty()) zspec.name_candidates = schema.name;
        VectorSource zsource(zspec);
        st.zones = zsource.read(*st.working, ctx, "zones");
        repair_invalid(ctx, meter, *st.zones);
    }
}

void ActivityRun::lay_out_tiles(bool check_outputs)
{
    State& st = *m_state;
    const ActivityOptions& options = m_options;
    const ImagePair& images = *st.images;
    m_tiles = block_tiles(st.footprint, images.block_cols(), images.block_rows());
    for (const Window& t : m_tiles)
        if (m_bands.empty() || m_bands.back().row0 != t.row0)
            m_bands.push_back(Window{ st.footprint.col0, t.row0, st.footprint.cols, t.rows });
    // Each tile reads a one-cell halo from the blocks around it, and the threads' readers may be a
    // row of tiles apart: the cache must hold a few rows of blocks of every band so that none is
    // decompressed twice. Memory grows with the image's width, not its size. 3.5 rows, measured on
    // the bench (blocks decoded counted with a probe on TIFFReadEncodedTile; peak RSS): with 1 and
    // 2 threads no block is decoded twice but the halo blocks at the border of the threads' column
    // shares (2.3-2.7x as many blocks at 2.5 rows), and peak RSS stays the same from 25 to 100 Mpix
    // (211 MB with 1 thread, 263 MB with 2). 6 rows also spare 4-8 threads the re-decoding (3.5
    // rows decode 40 % more blocks with 4 threads), but then the cache fills up to its larger
    // limit on large images: +40-70 MB peak RSS at 100 Mpix, no longer flat.
    {
        const double cache_rows = 3.5;
        const GIntBig needed =
          GIntBig(cache_rows * double(images.block_rows()) * double(images.bytes_per_row()));
        if (needed > GDALGetCacheMax64()) GDALSetCacheMax64(needed);
    }
    st.samples = sample_windows(m_tiles, std::size_t(3) << 19);
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    st.threads = options.threads > 0 ? options.threads : int(hw);
    if (check_outputs) {
        const fs::path p(options.out_gpkg.empty() ? "." : options.out_gpkg);
        st.work_parent = p.parent_path().empty() ? std::string(".") : p.parent_path().string();
    } else {
        st.work_parent = fs::temp_directory_path().string(); // a shard's node-local scratch
    }
}

ActivityCalibration ActivityRun::calibrate()
{
    State& st = *m_state;
    const ProgressFn& progress = m_progress;
    auto step = [&](double f, const std::string& what) {
        if (progress && !progress(f, what)) throw Cancelled();
    };
    ActivityCalibration cal;
    const ImageSpec& before = st.before;
    const ImageSpec& after = st.after;
    const int threads = st.threads;

    // 2b. The misregistration between the dates, measured (and corrected from here on) before
    // anything compares them.
    step(0.04, "measuring the misregistration between the dates");
    cal.misregistration =
      check_misregistration(before, after, *st.rasterizer, st.footprint, m_result.input.misregistration);
    st.after.shift = correction_of(cal.misregistration);

    // The two passes over the sample tiles share each thread's readers: the second finds the
    // blocks the first decoded in GDAL's cache (each thread takes the same tiles both times).
    std::vector<std::shared_ptr<ChangeWindowReader>> readers(std::size_t(std::max(1, threads)));

    // 3. Relative radiometric normalisation on pseudo-invariant pixels inside the red line.
    step(0.06, "normalising the after image to the before image");
    const std::size_t band_count = m_result.swir ? 5 : 4;
    std::vector<std::vector<float>> sample_before(band_count), sample_after(band_count);
    {
        std::size_t eligible = 0;
        // Pixels in the sample windows inside the red line, thinned to about 400,000.
        for (const Window& w : st.samples)
            eligible += w.size();
        const std::size_t thin = std::max<std::size_t>(1, eligible / 400000);
        std::size_t seen = 0;
        read_windows<WindowChange>(
          st.samples,
          threads,
          0,
          [&](int t) {
              if (!readers[std::size_t(t)])
                  readers[std::size_t(t)] = std::make_shared<ChangeWindowReader>(
                    before, after, st.rasterizer, nullptr, nullptr, true, false);
              return readers[std::size_t(t)];
          },
          [](ChangeWindowReader& reader, const Window& w, WindowChange&, WindowChange& c) {
              reader.read(w, c);
          },
          [&](std::size_t, const WindowChange& c) {
              for (std::size_t i = 0; i < c.window.size(); ++i) {
                  if (!c.valid[i] || c.inside[i] < 0.5f) continue;
                  if (seen++ % thin) continue;
                  for (std::size_t k = 0; k < band_count; ++k) {
                      sample_before[k].push_back(c.before_bands[k][i]);
                      sample_after[k].push_back(c.after_bands[k][i]);
                  }
              }
              return !progress || progress(0.06, "normalising the after image to the before image");
          });
        if (sample_before[0].size() < 100)
            throw InputError(
              "too few valid pixels inside the red line (" + std::to_string(sample_before[0].size()) +
              " in the sample): every pixel there is nodata or masked in one of the dates. Check "
              "that the images cover the red line, their nodata values (--before-nodata, "
              "--after-nodata), and the masks (--before-mask, --after-mask with --mask-convention " +
              m_options.mask_convention + "): a mask of another area or convention leaves out everything");
    }
    cal.normalization = fit_relative_normalization(sample_before, sample_after);
    // Strata of the before surface, and how each band differs between the dates in each of them.
    for (std::size_t k = 0; k < band_count; ++k)
        for (float& v : sample_after[k])
            v = cal.normalization[k].apply(v);
    fit_strata(sample_before, sample_after, cal.thresholds);
    sample_before.clear();
    sample_after.clear();

    // 4. The threshold: a fixed number of noise sigmas (the noise measured above, per stratum and
    // band), so that it means the same in every scene; a user's --threshold overrides it.
    if (m_options.threshold) {
        cal.thresholds.threshold = *m_options.threshold;
        cal.thresholds.method = "user";
    }
    use_calibration(cal);
    return cal;
}

void ActivityRun::use_calibration(const ActivityCalibration& c)
{
    // The plan's misregistration correction reaches every reader a shard makes, and the chips.
    m_state->after.shift = m_result.after_spec.shift = correction_of(c.misregistration);
    m_result.input.misregistration = c.misregistration;
    if (c.misregistration.mode == "auto" && !c.misregistration.measured)
        m_result.warnings.push_back("the misregistration between the dates was " + c.misregistration.verdict);
    if (m_state->after.shift) {
        m_result.after_warped = true;
        if (m_result.input.resampling.bands == "none") // on the before grid, now warped by the correction
            m_result.input.resampling = choose_after_resampling(m_result.input.resampling.cell_ratio);
    }
    m_result.normalization = c.normalization;
    m_result.thresholds = c.thresholds;
    m_state->calibrated = true;
}

ChangeComponents ActivityRun::detect(std::size_t first, std::size_t end)
{
    State& st = *m_state;
    if (!st.calibrated) throw std::logic_error("ActivityRun::detect before calibration");
    const ProgressFn& progress = m_progress;
    const Window& footprint = st.footprint;
    end = std::min(end, m_bands.size());
    ChangeComponents out;
    out.col0 = footprint.col0;
    out.cols = footprint.cols;
    if (first >= end) return out;
    out.row0 = m_bands[first].row0;
    out.row_end = m_bands[end - 1].row_end();
    std::vector<Window> windows;
    for (const Window& t : m_tiles)
        if (t.row0 >= out.row0 && t.row0 < out.row_end) windows.push_back(t);

    // 5. Classify every cell in the red line and label connected patches.
    const ScratchFolder work(st.work_parent + "/.redline-work-" + std::to_string(::getpid()) + "-" +
                             std::to_string(out.row0));
    const Grid& grid = st.images->grid();
    LabelRaster labels(work.path(), grid, out.row0, out.row_end - out.row0);
    PatchLabeler labeler(footprint.cols);
    std::vector<std::int32_t> first_labels, last_labels;
    {
        std::vector<std::int32_t> row_labels(std::size_t(grid.cols()), 0);
        int band_row0 = -1, band_rows = 0;
        // A band of tiles is finished once the next band starts: its label rows go to the raster.
        auto flush_band = [&] {
            for (int r = band_row0; r < band_row0 + band_rows; ++r) {
                const std::int32_t* l = labeler.band_row(r);
                std::copy(l, l + footprint.cols, row_labels.begin() + footprint.col0);
                labels.write_row(r, row_labels);
                if (r == out.row0) first_labels.assign(l, l + footprint.cols);
                if (r == out.row_end - 1) last_labels.assign(l, l + footprint.cols);
            }
        };
        std::size_t done = 0;
        // Enough results may wait for every thread to work on the same row of tiles at once.
        const std::size_t tiles_per_row = std::size_t(
          std::count_if(windows.begin(), windows.end(), [&](const Window& w) { return w.row0 == out.row0; }));
        TileRows tile_rows;
        read_windows<TileChange>(
          windows,
          st.threads,
          tiles_per_row + 2 * std::size_t(std::max(1, st.threads)),
          [&](int) {
              auto reader = std::make_shared<ChangeWindowReader>(
                st.before, st.after, st.rasterizer, &m_result.normalization, &m_result.thresholds, false);
              reader->release_passed_rows(true);
              return reader;
          },
          [](ChangeWindowReader& reader, const Window& w, WindowChange& change, TileChange& t) {
              reader.read(w, change);
              t.take(change);
          },
          [&](std::size_t, const TileChange& t) {
              const Window& w = t.window;
              out.pixels_analysed += t.analysed;
              out.pixels_masked += t.masked;
              if (w.row0 != band_row0) {
                  if (band_rows) flush_band();
                  band_row0 = w.row0;
                  band_rows = w.rows;
                  labeler.begin_band(w.row0, w.rows);
              }
              labeler.add_tile(w.col0 - footprint.col0, w.cols, tile_rows.rows(t));
              ++done;
              return !progress ||
                     progress(0.15 + 0.6 * double(done) / double(windows.size()), "detecting change");
          });
        if (band_rows) flush_band();
    }
    for (auto& kv : labeler.finish())
        out.stats.emplace(kv.first, kv.second);
    keep_possible_patches(labeler, first_labels, last_labels, m_options.min_area_m2, out);
    collect_polygons(labels, labeler, out);
    return out;
}

void ActivityRun::withhold_crop_cycles(const std::map<std::int32_t, const PatchStats*>& kept,
                                       std::map<std::int32_t, std::string>& withheld)
{
    // Between seasons, vegetation turned bare as one uniform parcel is most likely a field
    // harvested or ploughed: to the interpreter, with the reason, not to the field. The catalogue's
    // 0.12 of the mean brightness was measured on the OSCD tuning cities (0.10 and 0.15 score
    // alike; see docs/activity.md); same-season pairs keep every such patch.
    if (!m_seasons_apart || !m_options.crop_screen) return;
    for (const auto& kv : kept)
        if (!withheld.count(kv.first) && looks_like_harvested_field(*kv.second, m_crop_cycle_max_cv))
            withheld[kv.first] = "crop cycle: vegetation turned bare as one uniform parcel (after brightness varies by " +
                                 fixed(100 * after_brightness_cv(*kv.second), 0) + " % of its mean) between dates " +
                                 fixed(*season_gap(m_result.input), 0) + " days apart in the season";
}

ActivityResult ActivityRun::build_patches(ChangeComponents components)
{
    State& st = *m_state;
    const GeosContext& ctx = m_ctx;
    const AreaMeter& meter = *st.meter;
    const ActivityOptions& options = m_options;
    ActivityResult& result = m_result;
    PolygonLayer& redline = st.redline;
    auto step = [&](double f, const std::string& what) {
        if (m_progress && !m_progress(f, what)) throw Cancelled();
    };
    result.pixels_analysed = components.pixels_analysed;
    result.pixels_masked = components.pixels_masked;

    // 6. Patches: hysteresis (grown from a cell above the threshold, and scoring on average at
    // least the threshold: a few strong cells in a halo of weak ones are noise), a first size
    // filter on the cells, then polygons.
    step(0.78, "building the patches");
    std::map<std::int32_t, const PatchStats*> kept;
    for (const auto& c : components.stats)
        if (could_be_patch(c.second, options.min_area_m2)) kept[c.first] = &c.second;
    const Reprojection to_working(st.images->srs(), *st.working, 0.0, "patches");
    const auto redline_geoms = geometries_of(redline);
    std::vector<Box> redline_boxes;
    for (const auto* g : redline_geoms)
        redline_boxes.push_back(bounds(ctx, g));
    std::vector<PreparedPtr> zone_prepared;
    if (st.zones)
        for (const auto& z : st.zones->features)
            zone_prepared.push_back(prepare(ctx, z.geometry.get()));
    const double cell_area_estimate =
      kept.empty() ? 0.0 : kept.begin()->second->area() / double(kept.begin()->second->pixels);
    std::map<std::string, int> id_uses;
    // Weather is not activity: clouds and their shadows, where the sensor lets them be told.
    std::map<std::int32_t, std::string> withheld;
    if (!st.before.bands.parallax.empty() || !st.after.bands.parallax.empty())
        withheld = CloudScreen(st.before, st.after, st.threads).screen(kept, components.polygons, st.footprint.col0, ctx);
    withhold_crop_cycles(kept, withheld);
    for (const auto& kv : kept) {
        const PatchStats& s = *kv.second;
        const auto pieces_it = components.polygons.find(kv.first);
        if (pieces_it == components.polygons.end()) continue;
        OGRMultiPolygon multi;
        for (const auto& g : pieces_it->second)
            multi.addGeometry(g.get());
        std::unique_ptr<OGRGeometry> merged(multi.UnionCascaded());
        if (!merged) merged.reset(multi.clone());
        if (!to_working.apply(*merged)) throw Error("a patch cannot be transformed to " + label(*st.working));
        GeomPtr patch(merged->exportToGEOS(ctx.handle()), GeomDeleter{ ctx.handle() });
        if (!patch) continue;
        patch = polygonal_part(ctx, patch.get());
        double inside_area = 0;
        auto pieces = split_by_polygon(ctx, meter, patch.get(), redline_geoms, redline_boxes, inside_area);
        if (inside_area < options.min_area_m2 || pieces.empty()) continue;
        for (auto& piece : pieces) {
            const double area = meter.geodesic(ctx, piece.second.get());
            if (area < std::max(1.0, 0.25 * cell_area_estimate)) continue; // a sliver along a red-line edge
            const PolygonFeature& rl = redline.features[piece.first];
            ActivityPatch p;
            p.redline_id = rl.id;
            p.redline_name = rl.name;
            p.area_m2 = area;
            const Point at = navigation_point(ctx, piece.second.get());
            p.lon = at.x;
            p.lat = at.y;
            if (st.zones) {
                if (const PolygonFeature* zone = zone_at(ctx, *st.zones, zone_prepared, at)) {
                    p.zone_id = zone->id;
                    p.zone_name = zone->name;
                }
            }
            describe_component(s, st.confidence, p);
            p.patch_id = patch_id(rl.id, at, id_uses);
            p.window = Window{
                s.col_min + st.footprint.col0, s.row_min, s.col_max - s.col_min + 1, s.row_max - s.row_min + 1
            };
            p.geometry = std::move(piece.second);
            if (const auto w = withheld.find(kv.first); w != withheld.end()) p.withheld = w->second;
            (p.confidence >= result.min_confidence && p.withheld.empty() ? result.patches : result.candidates)
              .push_back(std::move(p));
        }
    }
    for (auto* list : { &result.patches, &result.candidates })
        std::sort(list->begin(), list->end(), [](const ActivityPatch& a, const ActivityPatch& b) {
            return a.patch_id < b.patch_id;
        });
    if (const int n = result.withheld_by_reason()["crop cycle"])
        result.warnings.push_back(std::to_string(n) + " vegetation_to_bare patch" + (n > 1 ? "es" : "") +
                                  " as uniform as one field went to activity_candidates as likely crop cycles (the "
                                  "field 'withheld' says why); where the red line holds no cropland, --crop-screen off "
                                  "delivers them");

    // 7. Per red-line polygon.
    result.redlines = redline_summaries(redline, result.patches, meter, ctx);
    step(0.85, "patches ready");
    return std::move(m_result);
}

std::map<std::string, int> ActivityResult::withheld_by_reason() const
{
    std::map<std::string, int> out;
    for (const auto& c : candidates)
        if (!c.withheld.empty()) ++out[c.withheld.substr(0, c.withheld.find(':'))];
    return out;
}

ActivityResult run_activity(const ActivityOptions& options,
                            const GeosContext& ctx,
                            const ProgressFn& progress)
{
    // REDLINE_TIMELINE=1 shows where a run goes (see stage_timeline.h).
    std::optional<TimedStage> stage("activity: open the inputs");
    ActivityRun run(options, ctx, progress);
    stage.emplace("activity: calibrate (misregistration, normalisation, noise per stratum)");
    run.calibrate();
    stage.emplace("activity: detect (read, score and label every window)");
    std::vector<ChangeComponents> all;
    all.push_back(run.detect(0, run.bands().size()));
    stage.emplace("activity: build the patches");
    return run.build_patches(join_components(std::move(all)));
}

} // namespace redline
