#include "activity/change_pass.h"

#include "cell_areas.h"
#include "change_context.h"
#include "projected_cell_areas.h"
#include "spectral_indices.h"

#include <cmath>
#include <limits>

namespace redline {

namespace {

/// The indices of @p n cells (swir1 null: the indices without SWIR), in loops that vectorise.
void spectral_index_rows(const float* __restrict blue, const float* __restrict green, const float* __restrict red,
                         const float* __restrict nir, const float* __restrict swir1, std::size_t n,
                         float* __restrict ndvi, float* __restrict water, float* __restrict bare)
{
    if (swir1) {
        for (std::size_t j = 0; j < n; ++j) {
            const SpectralIndices i = indices_with_swir(blue[j], green[j], red[j], nir[j], swir1[j]);
            ndvi[j] = i.ndvi;
            water[j] = i.water;
            bare[j] = i.bare;
        }
    } else {
        for (std::size_t j = 0; j < n; ++j) {
            const SpectralIndices i = indices_without_swir(blue[j], green[j], red[j], nir[j]);
            ndvi[j] = i.ndvi;
            water[j] = i.water;
            bare[j] = i.bare;
        }
    }
}

} // namespace

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

void ChangeWindowReader::configure(const std::vector<BandFit>* normalization, const ChangeThresholds* thresholds,
                                   bool keep_bands, bool halo)
{
    m_normalization = normalization;
    m_thresholds = thresholds;
    m_keep_bands = keep_bands;
    m_halo = halo;
}

void ChangeWindowReader::read(const Window& window, WindowChange& out)
{
    const Grid& grid = m_images.grid();
    const std::size_t n = window.size();
    out.window = window;

    // The red line over the window first: a window it does not touch needs no image at all.
    out.inside.assign(n, 0.0f);
    if (!m_redline->deltas(window, m_coverage).empty()) {
        const Window& sub = m_coverage.window;
        for_each_covered_cell(m_coverage, [&](int r, int c, double f) {
            out.inside[std::size_t(sub.row0 - window.row0 + r) * window.cols + std::size_t(sub.col0 - window.col0 + c)] =
              float(f);
        });
    } else {
        mark_unanalysed(out);
        return;
    }

    // The window and the cells around it that its scores read (the region), clipped to the image
    // (the read window); region cells outside the image stay invalid. Reading them makes every
    // cell's score independent of the window it is computed in: the 3×3 mean of departures, each
    // from a 3×3 range of before values, reaches two cells out, and the context of a cell reaches
    // the blocks of its neighbourhood (change_context.h).
    const bool classify = m_thresholds && !m_thresholds->band_sigma.empty() && !m_keep_bands;
    const Window ring{ window.col0 - 1, window.row0 - 1, window.cols + 2, window.rows + 2 };
    const Window region = m_halo ? context_window(ring) : window;
    const Window halo = region.intersection(grid.full_window());
    if (m_release)
        m_images.release_rows_above(halo.row0);
    m_images.read(halo, m_before, m_after);
    if (m_normalization)
        apply_normalization(*m_normalization, m_after);

    const bool swir = m_images.has_swir();
    const std::size_t band_count = swir ? 5 : 4;
    m_indices.resize(region.rows, region.cols, band_count);
    m_indices.band_sigma.clear();
    m_indices.band_bias.clear();
    if (m_thresholds) {
        m_indices.band_sigma = m_thresholds->band_sigma;
        m_indices.band_bias = m_thresholds->band_bias;
    }
    std::fill(m_indices.valid.begin(), m_indices.valid.end(), 0);
    fill_indices(halo, region, swir, band_count);
    if (classify) {
        context_background(m_indices, region.row0, region.col0, ring, m_background);
        band_departures(m_indices, region.row0, region.col0, ring, m_departures, &m_background, &m_context_departures);
        smoothed_magnitude(m_indices, region.row0, region.col0, m_departures, window, m_magnitude);
        smoothed_magnitude(m_indices, region.row0, region.col0, m_context_departures, window, m_context);
    }

    copy_window_indices(window, region, out);
    m_cell_areas->fill(window, out.cell_area);

    if (classify) classify_cells(out);
    if (m_keep_bands) keep_window_bands(window, halo, out);
}

void ChangeWindowReader::mark_unanalysed(WindowChange& out) const
{
    // Nothing of it is analysed: every cell outside, invalid, unchanged.
    const std::size_t n = out.window.size();
    out.valid.assign(n, 0);
    out.stratum.assign(n, 0);
    for (auto* v : { &out.ndvi_before, &out.ndvi_after, &out.water_before, &out.water_after, &out.bare_before,
                     &out.bare_after, &out.brightness_after, &out.score })
        v->assign(n, 0.0f);
    out.level.assign(n, 0);
    out.type.assign(n, change_other);
    out.cell_area.assign(n, 0.0);
    for (std::size_t k = 0; k < 5; ++k) {
        out.before_bands[k].clear();
        out.after_bands[k].clear();
    }
}

void ChangeWindowReader::fill_indices(const Window& halo, const Window& region, bool swir, std::size_t band_count)
{
    const std::size_t stride = std::size_t(region.cols);
    // Row by row over the halo window: bands, validity, indices and strata. Cells without data in
    // either date get indices too (never read: every consumer tests `valid` first), so that the
    // loops have no branches.
    const std::size_t len = std::size_t(halo.cols);
    for (int r = halo.row0; r < halo.row_end(); ++r) {
        const std::size_t src = std::size_t(r - halo.row0) * len;
        const std::size_t dst =
          std::size_t(r - region.row0) * stride + std::size_t(halo.col0 - region.col0);
        for (std::size_t k = 0; k < band_count; ++k) {
            std::copy_n(m_before.bands[k].data() + src, len, m_indices.bands_before[k].data() + dst);
            std::copy_n(m_after.bands[k].data() + src, len, m_indices.bands_after[k].data() + dst);
        }
        const std::uint8_t* vb = m_before.valid.data() + src;
        const std::uint8_t* va = m_after.valid.data() + src;
        std::uint8_t* valid = m_indices.valid.data() + dst;
        for (std::size_t j = 0; j < len; ++j)
            valid[j] = std::uint8_t(vb[j] & va[j]);
        auto indices = [&](const std::vector<std::vector<float>>& b, float* ndvi, float* water, float* bare) {
            spectral_index_rows(b[0].data() + dst, b[1].data() + dst, b[2].data() + dst, b[3].data() + dst,
                                swir ? b[4].data() + dst : nullptr, len, ndvi, water, bare);
        };
        indices(m_indices.bands_before, m_indices.ndvi_before.data() + dst, m_indices.water_before.data() + dst,
                m_indices.bare_before.data() + dst);
        indices(m_indices.bands_after, m_indices.ndvi_after.data() + dst, m_indices.water_after.data() + dst,
                m_indices.bare_after.data() + dst);
        if (m_thresholds) {
            std::uint8_t* stratum = m_indices.stratum.data() + dst;
            const float* before[5] = {};
            for (std::size_t k = 0; k < band_count; ++k)
                before[k] = m_indices.bands_before[k].data() + dst;
            const float* ndvi = m_indices.ndvi_before.data() + dst;
            const float* water = m_indices.water_before.data() + dst;
            const Strata& strata = m_thresholds->strata;
            const CoverRules& cover = m_thresholds->cover;
            for (std::size_t j = 0; j < len; ++j) {
                if (!valid[j])
                    continue;
                float brightness = 0.0f;
                for (std::size_t k = 0; k < band_count; ++k)
                    brightness += before[k][j];
                stratum[j] = std::uint8_t(strata.of(cover.of(ndvi[j], water[j]), brightness / float(band_count)));
            }
        }
    }
}

void ChangeWindowReader::copy_window_indices(const Window& window, const Window& region, WindowChange& out) const
{
    const std::size_t n = window.size();
    const std::size_t stride = std::size_t(region.cols);
    out.valid.resize(n);
    out.stratum.resize(n);
    for (auto* v : { &out.ndvi_before, &out.ndvi_after, &out.water_before, &out.water_after, &out.bare_before,
                     &out.bare_after, &out.brightness_after })
        v->resize(n);
    for (int r = 0; r < window.rows; ++r) {
        const std::size_t i = std::size_t(r) * window.cols;
        const std::size_t o = std::size_t(r + window.row0 - region.row0) * stride + std::size_t(window.col0 - region.col0);
        const std::size_t w = std::size_t(window.cols);
        std::copy_n(m_indices.valid.data() + o, w, out.valid.data() + i);
        std::copy_n(m_indices.stratum.data() + o, w, out.stratum.data() + i);
        std::copy_n(m_indices.ndvi_before.data() + o, w, out.ndvi_before.data() + i);
        std::copy_n(m_indices.ndvi_after.data() + o, w, out.ndvi_after.data() + i);
        std::copy_n(m_indices.water_before.data() + o, w, out.water_before.data() + i);
        std::copy_n(m_indices.water_after.data() + o, w, out.water_after.data() + i);
        std::copy_n(m_indices.bare_before.data() + o, w, out.bare_before.data() + i);
        std::copy_n(m_indices.bare_after.data() + o, w, out.bare_after.data() + i);
        const auto& a = m_indices.bands_after;
        for (std::size_t j = 0; j < w; ++j)
            out.brightness_after[i + j] = 0.25f * (((a[0][o + j] + a[1][o + j]) + a[2][o + j]) + a[3][o + j]);
    }
}

void ChangeWindowReader::classify_cells(WindowChange& out) const
{
    const std::size_t n = out.window.size();
    out.level.assign(n, 0);
    out.type.assign(n, change_other);
    out.score.assign(n, 0.0f);
    const float low = float(m_thresholds->hysteresis);
    for (std::size_t i = 0; i < n; ++i) {
        if (!out.valid[i] || out.inside[i] <= 0.0f)
            continue;
        const PixelChange p = classify_pixel(*m_thresholds, m_magnitude[i], m_context[i], out.ndvi_before[i],
                                             out.ndvi_after[i], out.water_before[i], out.water_after[i]);
        out.score[i] = p.score;
        out.type[i] = p.type;
        out.level[i] = p.score >= 1.0f ? 2 : (p.score >= low ? 1 : 0);
    }
}

void ChangeWindowReader::keep_window_bands(const Window& window, const Window& halo, WindowChange& out)
{
    // The window's own cells (without the halo), for the normalisation samples.
    const std::size_t n = window.size();
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

} // namespace redline
