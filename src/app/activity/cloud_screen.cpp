#include "activity/cloud_screen.h"

#include "common/stage_timeline.h"
#include "parallel_for.h"
#include "phase_correlation.h"
#include "polygon_ops.h"

#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>

namespace redline {

namespace {

struct CtDeleter
{
    void operator()(OGRCoordinateTransformation* ct) const { OGRCoordinateTransformation::DestroyCT(ct); }
};

} // namespace

/// A change component as the screen sees it: its cells' bounding window and outline.
struct CloudScreen::Component
{
    std::int32_t label = 0;
    Window box;
    GeomPtr outline;
    PreparedPtr inside;
    mutable std::vector<Cell> cells; ///< filled when needed: cells whose centre is inside

    const std::vector<Cell>& cells_of(const Grid& grid, const GeosContext& ctx) const
    {
        if (!cells.empty()) return cells;
        for (int r = box.row0; r < box.row_end(); ++r)
            for (int c = box.col0; c < box.col_end(); ++c)
                if (contains(grid, ctx, r, c)) cells.push_back(Cell{ r, c });
        return cells;
    }
    bool contains(const Grid& grid, const GeosContext& ctx, int r, int c) const
    {
        GeomPtr centre =
          take(ctx, GEOSGeom_createPointFromXY_r(ctx.handle(), grid.x_of(c + 0.5), grid.y_of(r + 0.5)), "cell centre");
        return GEOSPreparedContains_r(ctx.handle(), inside.get(), centre.get()) == 1;
    }
};

CloudScreen::CloudScreen(const ImageSpec& before, const ImageSpec& after, int threads)
  : m_reader(std::make_unique<ImagePair>(before, after))
  , m_images(*m_reader)
  , m_srs(m_images.srs())
  , m_before_spec(before)
  , m_after_spec(after)
  , m_before(before.bands.parallax)
  , m_after(after.bands.parallax)
  , m_threads(std::max(1, threads))
{
}

std::vector<Window> CloudScreen::windows_over(const Component& cp, const GeosContext& ctx) const
{
    const Grid& grid = m_images.grid();
    const int n = m_parallax.window, quarter = n / 4;
    std::vector<Window> out;
    if (grid.rows() < n || grid.cols() < n) return out;
    // A window counts when its central half holds a cell of the patch.
    auto over_patch = [&](int row0, int col0) {
        const Window core = Window{ col0 + quarter, row0 + quarter, n / 2, n / 2 }.intersection(cp.box);
        for (int r = core.row0; r < core.row_end(); ++r)
            for (int c = core.col0; c < core.col_end(); ++c)
                if (cp.contains(grid, ctx, r, c)) return true;
        return false;
    };
    for (int y = cp.box.row0 - quarter; y < cp.box.row_end(); y += m_parallax.stride)
        for (int x = cp.box.col0 - quarter; x < cp.box.col_end(); x += m_parallax.stride) {
            const int row0 = std::clamp(y - quarter, 0, grid.rows() - n);
            const int col0 = std::clamp(x - quarter, 0, grid.cols() - n);
            if (over_patch(row0, col0)) out.push_back(Window{ col0, row0, n, n });
        }
    return out;
}

std::string CloudScreen::elevated(const ImagePair& images, const std::vector<Window>& windows, bool& in_after) const
{
    const int n = m_parallax.window;
    BandWindow before, after;
    std::vector<float> blue, green, red;
    auto mean_blue = [](const BandWindow& d) {
        double sum = 0;
        std::size_t k = 0;
        for (std::size_t i = 0; i < d.valid.size(); ++i)
            if (d.valid[i] && std::isfinite(d.bands[0][i])) {
                sum += d.bands[0][i];
                ++k;
            }
        return k ? sum / double(k) : 0.0;
    };
    for (const Window& w : windows) {
        images.read(w, before, after);
        // A cloud is white: the date it is in is the brighter in blue over the window (the other
        // date, clear there, is not tested; a cloud in both dates still shows in the brighter one).
        const bool after_brighter = mean_blue(after) > mean_blue(before);
        const BandWindow& date = after_brighter ? after : before;
        const std::string& direction = after_brighter ? m_after : m_before;
        if (direction.empty()) continue;
        // Three quarters of the window with data, or too little to compare.
        if (fill_invalid_with_mean(date.bands[0], date.valid, blue) < 0.75 ||
            fill_invalid_with_mean(date.bands[1], date.valid, green) < 0.75 ||
            fill_invalid_with_mean(date.bands[2], date.valid, red) < 0.75)
            continue;
        const BandParallax p = band_parallax(blue, green, red, n, m_parallax);
        if (!p.elevated) continue;
        in_after = after_brighter;
        char why[220];
        std::snprintf(why, sizeof why,
                      "cloud: in the %s image red lies %.2f cell %s of blue and green %.2f (the order the "
                      "bands were recorded): an elevated object, not the ground",
                      in_after ? "after" : "before", -p.red_dy, direction.c_str(), -p.green_dy);
        return why;
    }
    return "";
}

void CloudScreen::find_shadows(const Component& cloud, bool in_after, std::vector<Component>& others,
                               std::map<std::int32_t, std::string>& withheld, const GeosContext& ctx) const
{
    const Grid& grid = m_images.grid();
    // The cloud's latitude and the size of a cell there, in metres (a sphere's scale suffices for
    // a search).
    double x = grid.x_of(cloud.box.col0 + 0.5 * cloud.box.cols), lat = grid.y_of(cloud.box.row0 + 0.5 * cloud.box.rows);
    double width_m = grid.dx(), height_m = grid.dy();
    if (m_srs.IsGeographic()) {
        const double metres_per_degree = 6371008.8 * M_PI / 180.0;
        width_m *= metres_per_degree * std::cos(lat * M_PI / 180.0);
        height_m *= metres_per_degree;
    } else {
        width_m *= m_srs.GetLinearUnits();
        height_m *= m_srs.GetLinearUnits();
        std::unique_ptr<OGRSpatialReference> geographic(m_srs.CloneGeogCS());
        if (!geographic) return;
        geographic->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        std::unique_ptr<OGRCoordinateTransformation, CtDeleter> to_geographic(
          OGRCreateCoordinateTransformation(&m_srs, geographic.get()));
        if (!to_geographic || !to_geographic->Transform(1, &x, &lat)) return;
    }
    const int reach_rows = int(std::ceil(m_shadow.max_distance_m / height_m)) + 1;
    const int reach_cols = int(std::ceil(m_shadow.max_distance_m / width_m)) + 1;
    const Window reach{ cloud.box.col0 - reach_cols, cloud.box.row0 - reach_rows, cloud.box.cols + 2 * reach_cols,
                        cloud.box.rows + 2 * reach_rows };

    // Patches within reach that darkened in every band in the cloud's date: candidate shadows.
    std::vector<const Component*> dark;
    std::vector<Cell> dark_cells;
    BandWindow before, after;
    for (const Component& o : others) {
        if (withheld.count(o.label) || reach.intersection(o.box).empty()) continue;
        const std::vector<Cell>& cells = o.cells_of(grid, ctx);
        if (cells.empty()) continue;
        m_images.read(o.box, before, after);
        bool darker = true;
        for (std::size_t b = 0; b < 5 && darker; ++b) {
            if (before.bands[b].empty() || after.bands[b].empty()) continue;
            double sum_before = 0, sum_after = 0;
            std::size_t n = 0;
            for (const Cell& c : cells) {
                const std::size_t i = std::size_t(c.row - o.box.row0) * std::size_t(o.box.cols) + std::size_t(c.col - o.box.col0);
                if (!before.valid[i] || !after.valid[i]) continue;
                sum_before += before.bands[b][i];
                sum_after += after.bands[b][i];
                ++n;
            }
            darker = n > 0 && (in_after ? sum_after < sum_before : sum_before < sum_after);
        }
        if (!darker) continue;
        dark.push_back(&o);
        dark_cells.insert(dark_cells.end(), cells.begin(), cells.end());
    }
    const ShadowOffset at = match_cloud_shadow(cloud.cells_of(grid, ctx), dark_cells, width_m, height_m,
                                               morning_shadow_directions(lat), m_shadow);
    if (!at.found) return;
    std::set<std::pair<int, int>> under; // the cloud's outline, moved
    for (const Cell& c : cloud.cells)
        under.emplace(c.row + at.rows, c.col + at.cols);
    for (const Component* o : dark) {
        std::size_t inside = 0;
        for (const Cell& c : o->cells)
            inside += under.count({ c.row, c.col });
        const double share = double(inside) / double(o->cells.size());
        if (share < m_shadow.min_inside_share) continue;
        char why[260];
        std::snprintf(why, sizeof why,
                      "cloud shadow: darker in every band in the %s image, %.0f %% of it under the outline of a cloud "
                      "(withheld too) moved %.0f m towards azimuth %.0f°, away from the morning sun",
                      in_after ? "after" : "before", 100.0 * share, at.distance_m, at.azimuth);
        withheld[o->label] = why;
    }
}

std::map<std::int32_t, std::string>
CloudScreen::screen(const std::map<std::int32_t, const PatchStats*>& stats,
                    const std::map<std::int32_t, std::vector<std::unique_ptr<OGRGeometry>>>& outlines, int col0,
                    const GeosContext& ctx) const
{
    std::map<std::int32_t, std::string> withheld;
    if (!active()) return withheld;
    std::optional<TimedStage> stage("activity: clouds: outlines of the patches");
    std::vector<Component> components;
    for (const auto& kv : stats) {
        const auto pieces = outlines.find(kv.first);
        if (pieces == outlines.end()) continue;
        const PatchStats& s = *kv.second;
        Component c;
        c.label = kv.first;
        c.box = Window{ s.col_min + col0, s.row_min, s.col_max - s.col_min + 1, s.row_max - s.row_min + 1 };
        OGRMultiPolygon multi;
        for (const auto& g : pieces->second)
            multi.addGeometry(g.get());
        c.outline = GeomPtr(multi.exportToGEOS(ctx.handle()), GeomDeleter{ ctx.handle() });
        if (!c.outline || c.box.empty()) continue;
        c.inside = prepare(ctx, c.outline.get());
        components.push_back(std::move(c));
    }
    // The windows over each patch (GEOS, on this thread), then the bands compared in them, patches
    // shared among the threads, each with its own reader of the images.
    std::vector<std::vector<Window>> windows;
    stage.emplace("activity: clouds: windows over the patches");
    for (const Component& c : components)
        windows.push_back(windows_over(c, ctx));
    stage.emplace("activity: clouds: bands compared");
    std::vector<std::string> why(components.size());
    std::vector<char> in_after(components.size(), 0);
    struct Reader
    {
        std::unique_ptr<ImagePair> own;
        const ImagePair* images = nullptr;
    };
    parallel_for_with_state(
      components.size(), m_threads,
      [&](std::size_t t) {
          Reader r;
          if (t > 0) r.own = std::make_unique<ImagePair>(m_before_spec, m_after_spec);
          r.images = t > 0 ? r.own.get() : &m_images; // every reader from the same specs: the same values
          return r;
      },
      [&](Reader& r, std::size_t i) {
          bool after = false;
          why[i] = elevated(*r.images, windows[i], after);
          in_after[i] = after;
      });
    stage.emplace("activity: clouds: shadows");
    std::vector<std::pair<const Component*, bool>> clouds; // with the date they are in
    for (std::size_t i = 0; i < components.size(); ++i) {
        if (why[i].empty()) continue;
        withheld[components[i].label] = why[i];
        clouds.emplace_back(&components[i], in_after[i] != 0);
    }
    for (const auto& cloud : clouds)
        find_shadows(*cloud.first, cloud.second, components, withheld, ctx);
    return withheld;
}

} // namespace redline
