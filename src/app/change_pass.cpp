#include "change_pass.h"

#include "cell_areas.h"
#include "projected_cell_areas.h"
#include "spectral_indices.h"

#include <cmath>
#include <limits>

namespace redline {

void apply_normalization(const std::vector<BandFit>& fits, BandWindow& after)
{
    for (std::size_t k = 0; k < after.bands.size() && k < fits.size(); ++k)
        for (float& v : after.bands[k])
            v = fits[k].apply(v);
}

ChangeWindowReader::ChangeWindowReader(const ImageSpec& before, const ImageSpec& after,
                                       std::shared_ptr<const CoverageRasterizer> redline,
                                       const std::vector<BandFit>* normalization, const ChangeThresholds* thresholds,
                                       bool keep_bands, bool halo)
  : m_images(before, after)
  , m_redline(std::move(redline))
  , m_normalization(normalization)
  , m_thresholds(thresholds)
  , m_keep_bands(keep_bands)
  , m_halo(halo)
  , m_cell_areas(make_cell_areas(m_images.grid(), m_images.srs()))
{
}

void ChangeWindowReader::read(const Window& window, WindowChange& out)
{
    const Grid& grid = m_images.grid();
    // The window plus a one-cell halo, clipped to the image; missing halo cells stay invalid.
    const int h = m_halo ? 1 : 0;
    const Window halo = Window{ window.col0 - h, window.row0 - h, window.cols + 2 * h, window.rows + 2 * h }.intersection(
      grid.full_window());
    m_images.read(halo, m_before, m_after);
    if (m_normalization)
        apply_normalization(*m_normalization, m_after);

    const bool swir = m_images.has_swir();
    const std::size_t band_count = swir ? 5 : 4;
    m_indices.resize(window.rows + 2, window.cols + 2, band_count);
    m_indices.band_sigma.clear();
    if (m_thresholds)
        m_indices.band_sigma = m_thresholds->band_sigma;
    std::fill(m_indices.valid.begin(), m_indices.valid.end(), 0);
    for (int r = halo.row0; r < halo.row_end(); ++r)
        for (int c = halo.col0; c < halo.col_end(); ++c) {
            const std::size_t src = std::size_t(r - halo.row0) * halo.cols + std::size_t(c - halo.col0);
            const std::size_t dst = std::size_t(r - window.row0 + 1) * (window.cols + 2) + std::size_t(c - window.col0 + 1);
            const bool ok = m_before.valid[src] && m_after.valid[src];
            m_indices.valid[dst] = ok;
            if (!ok)
                continue;
            auto idx = [&](const BandWindow& b) {
                return swir ? indices_with_swir(b.bands[0][src], b.bands[1][src], b.bands[2][src], b.bands[3][src],
                                                b.bands[4][src])
                            : indices_without_swir(b.bands[0][src], b.bands[1][src], b.bands[2][src], b.bands[3][src]);
            };
            const SpectralIndices ib = idx(m_before), ia = idx(m_after);
            float brightness = 0.0f;
            for (std::size_t k = 0; k < band_count; ++k) {
                m_indices.bands_before[k][dst] = m_before.bands[k][src];
                m_indices.bands_after[k][dst] = m_after.bands[k][src];
                brightness += m_before.bands[k][src];
            }
            if (m_thresholds)
                m_indices.stratum[dst] = std::uint8_t(m_thresholds->strata.of(brightness / float(band_count)));
            m_indices.ndvi_before[dst] = ib.ndvi;
            m_indices.water_before[dst] = ib.water;
            m_indices.bare_before[dst] = ib.bare;
            m_indices.ndvi_after[dst] = ia.ndvi;
            m_indices.water_after[dst] = ia.water;
            m_indices.bare_after[dst] = ia.bare;
        }
    // Fitting the normalisation needs the bands only.
    if (m_keep_bands)
        for (auto& c : out.components)
            c.clear();
    else
        change_components(m_indices, out.components);
    const bool classify = m_thresholds && !m_thresholds->baseline[0].empty();
    if (classify)
        spectral_departure(m_indices, m_departure);

    const std::size_t n = window.size();
    out.window = window;
    out.inside.assign(n, 0.0f);
    if (!m_redline->deltas(window, m_coverage).empty()) {
        const Window& sub = m_coverage.window;
        for_each_covered_cell(m_coverage, [&](int r, int c, double f) {
            out.inside[std::size_t(sub.row0 - window.row0 + r) * window.cols + std::size_t(sub.col0 - window.col0 + c)] =
              float(f);
        });
    }
    out.valid.resize(n);
    out.stratum.resize(n);
    for (auto* v : { &out.ndvi_before, &out.ndvi_after, &out.water_before, &out.water_after, &out.bare_before,
                     &out.bare_after })
        v->resize(n);
    for (int r = 0; r < window.rows; ++r)
        for (int c = 0; c < window.cols; ++c) {
            const std::size_t i = std::size_t(r) * window.cols + c;
            const std::size_t o = std::size_t(r + 1) * (window.cols + 2) + std::size_t(c + 1);
            out.valid[i] = m_indices.valid[o];
            out.stratum[i] = m_indices.stratum[o];
            out.ndvi_before[i] = m_indices.ndvi_before[o];
            out.ndvi_after[i] = m_indices.ndvi_after[o];
            out.water_before[i] = m_indices.water_before[o];
            out.water_after[i] = m_indices.water_after[o];
            out.bare_before[i] = m_indices.bare_before[o];
            out.bare_after[i] = m_indices.bare_after[o];
        }
    m_cell_areas->fill(window, out.cell_area);

    if (classify) {
        out.level.assign(n, 0);
        out.type.assign(n, change_other);
        out.score.assign(n, 0.0f);
        const float low = float(m_thresholds->hysteresis);
        for (std::size_t i = 0; i < n; ++i) {
            if (!out.valid[i] || out.inside[i] <= 0.0f)
                continue;
            std::array<float, change_component_count> raw;
            for (int k = 0; k < change_component_count; ++k)
                raw[std::size_t(k)] = out.components[std::size_t(k)][i];
            const PixelChange p = classify_pixel(*m_thresholds, raw, m_departure[i], out.stratum[i], out.ndvi_before[i],
                                                 out.water_before[i], out.water_after[i]);
            out.score[i] = p.score;
            out.type[i] = p.type;
            out.level[i] = p.score >= 1.0f ? 2 : (p.score >= low ? 1 : 0);
        }
    }
    if (m_keep_bands) {
        // The window's own cells (without the halo), for the normalisation samples.
        for (std::size_t k = 0; k < 5; ++k) {
            const std::pair<const BandWindow*, std::vector<float>*> pairs[] = { { &m_before, &out.before_bands[k] },
                                                                               { &m_after, &out.after_bands[k] } };
            for (const auto& pair : pairs) {
                const auto& src = pair.first->bands[k];
                auto& dst = *pair.second;
                dst.clear();
                if (src.empty())
                    continue;
                dst.resize(n);
                for (int r = 0; r < window.rows; ++r)
                    for (int c = 0; c < window.cols; ++c)
                        dst[std::size_t(r) * window.cols + c] =
                          src[std::size_t(r + window.row0 - halo.row0) * halo.cols + std::size_t(c + window.col0 - halo.col0)];
            }
        }
    }
}

} // namespace redline
