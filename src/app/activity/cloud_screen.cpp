#include "activity/cloud_screen.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace redline {

namespace {

/// One band of a window with the cells that have no data set to the mean of the others (the
/// phase correlation needs finite values, and the mean adds no structure); false when fewer
/// than three quarters of the cells have data.
bool filled(const std::vector<float>& band, const std::vector<std::uint8_t>& valid, std::vector<float>& out)
{
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < band.size(); ++i)
        if (valid[i] && std::isfinite(band[i])) {
            sum += band[i];
            ++n;
        }
    if (4 * n < 3 * band.size()) return false;
    const float mean = float(sum / double(n));
    out.resize(band.size());
    for (std::size_t i = 0; i < band.size(); ++i)
        out[i] = valid[i] && std::isfinite(band[i]) ? band[i] : mean;
    return true;
}

} // namespace

CloudScreen::CloudScreen(const ImagePair& images, std::string before_parallax, std::string after_parallax,
                         ParallaxRule rule)
  : m_images(images)
  , m_before(std::move(before_parallax))
  , m_after(std::move(after_parallax))
  , m_rule(rule)
{
}

std::string CloudScreen::withhold(const Window& cells, const GEOSGeometry* patch, const GeosContext& ctx) const
{
    const Grid& grid = m_images.grid();
    const int n = m_rule.window, quarter = n / 4;
    if (!active() || grid.rows() < n || grid.cols() < n || cells.empty()) return "";
    const PreparedPtr inside = prepare(ctx, patch);
    // A window counts when its central half holds a cell of the patch.
    auto over_patch = [&](int row0, int col0) {
        const Window core = Window{ col0 + quarter, row0 + quarter, n / 2, n / 2 }.intersection(cells);
        for (int r = core.row0; r < core.row_end(); ++r)
            for (int c = core.col0; c < core.col_end(); ++c) {
                GeomPtr centre = take(ctx,
                                      GEOSGeom_createPointFromXY_r(ctx.handle(), grid.x_of(c + 0.5), grid.y_of(r + 0.5)),
                                      "cell centre");
                if (GEOSPreparedContains_r(ctx.handle(), inside.get(), centre.get()) == 1) return true;
            }
        return false;
    };
    BandWindow before, after;
    std::vector<float> blue, green, red;
    for (int y = cells.row0 - quarter; y < cells.row_end(); y += m_rule.stride)
        for (int x = cells.col0 - quarter; x < cells.col_end(); x += m_rule.stride) {
            const int row0 = std::clamp(y - quarter, 0, grid.rows() - n);
            const int col0 = std::clamp(x - quarter, 0, grid.cols() - n);
            if (!over_patch(row0, col0)) continue;
            const Window w{ col0, row0, n, n };
            m_images.read(w, before, after);
            for (const auto* date : { &before, &after }) {
                const std::string& direction = date == &before ? m_before : m_after;
                if (direction.empty()) continue;
                if (!filled(date->bands[0], date->valid, blue) || !filled(date->bands[1], date->valid, green) ||
                    !filled(date->bands[2], date->valid, red))
                    continue;
                const BandParallax p = band_parallax(blue, green, red, n, m_rule);
                if (!p.elevated) continue;
                char why[200];
                std::snprintf(why, sizeof why,
                              "cloud: in the %s image red lies %.2f cell %s of blue and green %.2f (the order the "
                              "bands were recorded): an elevated object, not the ground",
                              date == &before ? "before" : "after", -p.red_dy, direction.c_str(), -p.green_dy);
                return why;
            }
        }
    return "";
}

} // namespace redline
