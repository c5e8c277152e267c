#include "change_scoring.h"

#include "robust_stats.h"
#include "spectral_indices.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace redline {

const char* change_type_name(int type)
{
    static const char* names[] = {
        "other",         "vegetation_to_bare", "vegetation_to_water", "water_to_land",
        "bare_to_water", "bare_land_change",   "vegetation_change"
    };
    return type >= 0 && type < change_type_count ? names[type] : "other";
}

void IndexWindow::resize(int r, int c, std::size_t bands)
{
    rows = r;
    cols = c;
    const std::size_t n = std::size_t(r) * std::size_t(c);
    for (auto* v : { &ndvi_before, &water_before, &bare_before, &ndvi_after, &water_after, &bare_after })
        v->resize(n);
    valid.resize(n);
    bands_before.resize(bands);
    bands_after.resize(bands);
    for (std::size_t k = 0; k < bands; ++k) {
        bands_before[k].resize(n);
        bands_after[k].resize(n);
    }
    stratum.assign(n, 0);
}

Strata Strata::quantiles(std::array<std::vector<float>, 3>& brightness)
{
    Strata s;
    for (std::size_t c = 0; c < 3; ++c) {
        std::vector<float>& b = brightness[c];
        if (b.empty()) continue;
        std::sort(b.begin(), b.end());
        for (int k = 1; k < per_cover; ++k)
            s.edges[c].push_back(b[std::size_t(double(k) / per_cover * double(b.size() - 1))]);
    }
    return s;
}

void fit_strata(const std::vector<std::vector<float>>& before,
                const std::vector<std::vector<float>>& after,
                ChangeThresholds& t)
{
    const std::size_t bands = before.size();
    const std::size_t n = bands ? before[0].size() : 0;
    std::vector<std::uint8_t> cover(n);
    std::vector<float> brightness(n, 0.0f);
    std::array<std::vector<float>, 3> by_cover;
    for (std::size_t i = 0; i < n; ++i) {
        const SpectralIndices x =
          bands >= 5 ? indices_with_swir(before[0][i], before[1][i], before[2][i], before[3][i], before[4][i])
                     : indices_without_swir(before[0][i], before[1][i], before[2][i], before[3][i]);
        cover[i] = std::uint8_t(t.cover.of(x.ndvi, x.water));
        for (std::size_t k = 0; k < bands; ++k)
            brightness[i] += before[k][i];
        brightness[i] /= float(bands);
        by_cover[cover[i]].push_back(brightness[i]);
    }
    t.strata = Strata::quantiles(by_cover);
    std::vector<int> stratum(n);
    for (std::size_t i = 0; i < n; ++i)
        stratum[i] = t.strata.of(Cover(cover[i]), brightness[i]);
    t.band_bias.assign(Strata::count, std::vector<float>(bands, 0.0f));
    t.band_sigma.assign(Strata::count, std::vector<float>(bands, 1.0f));
    for (std::size_t k = 0; k < bands; ++k) {
        std::vector<std::vector<float>> difference(Strata::count);
        std::vector<float> all(n);
        for (std::size_t i = 0; i < n; ++i) {
            all[i] = after[k][i] - before[k][i];
            difference[std::size_t(stratum[i])].push_back(all[i]);
        }
        const float fallback = float(robust_stats(all).sigma);
        for (int s = 0; s < Strata::count; ++s) {
            std::vector<float>& d = difference[std::size_t(s)];
            if (d.size() < 10) {
                t.band_sigma[std::size_t(s)][k] = fallback;
                continue;
            }
            const RobustStats r = robust_stats(d);
            t.band_bias[std::size_t(s)][k] = float(r.median);
            t.band_sigma[std::size_t(s)][k] = float(r.sigma);
        }
    }
}

namespace {

/// @p a where @p keep is all ones, @p b where it is zero: a selection by bits, which vectorises
/// where a condition on bytes choosing between floats does not.
inline float pick(std::uint32_t keep, float a, float b)
{
    std::uint32_t x, y;
    std::memcpy(&x, &a, 4);
    std::memcpy(&y, &b, 4);
    const std::uint32_t z = (x & keep) | (y & ~keep);
    float out;
    std::memcpy(&out, &z, 4);
    return out;
}

/// The range a cell of @p in (a window of @p cols columns) may take when displaced by half a cell:
/// its value moved halfway towards the 3×3 minimum and maximum over valid cells, for the cells of
/// rows [r0, r0 + nr) and columns [c0, c0 + nc) (their neighbourhoods must lie inside the window);
/// +∞ / −∞ where no cell of the neighbourhood is valid.
///
/// Invalid cells enter as +∞ for the minimum and −∞ for the maximum, so the loops have no
/// branches and vectorise; separable (rows of 3, then columns of 3).
void neighbourhood_range(const std::vector<float>& in,
                         const std::vector<std::uint8_t>& valid,
                         int cols,
                         int r0,
                         int c0,
                         int nr,
                         int nc,
                         std::vector<float>& out_min,
                         std::vector<float>& out_max)
{
    // Residual misregistration after the shift is corrected (below 0.2 cell, which is left
    // alone, plus the estimate's error) is well under half a cell. A cell displaced by half a cell
    // takes values between its own and halfway to its neighbours' (linear mixing of the two
    // footprints), so that is the range an unchanged cell may show; the whole 3 × 3 range (a full
    // cell) hid new buildings a cell or two wide among the varied cells of a town. Measured on the
    // OSCD tuning cities with the threshold refitted: 0.5 and 0.25 of the way score alike (mean F1
    // 0.390 / 0.388), the full range 0.361 (see docs/activity.md).
    constexpr float reach = 0.5f;
    const float inf = std::numeric_limits<float>::infinity();
    // Rows r0 − 1 .. r0 + nr and columns c0 − 1 .. c0 + nc of the window, invalid cells as ±∞;
    // then ranges of 3 along each row, then of 3 rows.
    thread_local std::vector<float> lo_in, hi_in, lo_h, hi_h;
    const std::size_t hrows = std::size_t(nr) + 2, hcols = std::size_t(nc) + 2;
    lo_in.resize(hcols);
    hi_in.resize(hcols);
    lo_h.resize(hrows * std::size_t(nc));
    hi_h.resize(hrows * std::size_t(nc));
    for (std::size_t r = 0; r < hrows; ++r) {
        const std::size_t o = (std::size_t(r0) - 1 + r) * std::size_t(cols) + std::size_t(c0) - 1;
        {
            const float* __restrict x = in.data() + o;
            const std::uint8_t* __restrict v = valid.data() + o;
            float* __restrict l = lo_in.data();
            float* __restrict h = hi_in.data();
            for (std::size_t c = 0; c < hcols; ++c) {
                const std::uint32_t keep = 0u - std::uint32_t(v[c] != 0);
                l[c] = pick(keep, x[c], inf);
                h[c] = pick(keep, x[c], -inf);
            }
        }
        const float* __restrict a = lo_in.data();
        const float* __restrict b = hi_in.data();
        float* __restrict lo = lo_h.data() + r * std::size_t(nc);
        float* __restrict hi = hi_h.data() + r * std::size_t(nc);
        for (int c = 0; c < nc; ++c) {
            lo[c] = std::min(std::min(a[c], a[c + 1]), a[c + 2]);
            hi[c] = std::max(std::max(b[c], b[c + 1]), b[c + 2]);
        }
    }
    out_min.resize(std::size_t(nr) * std::size_t(nc));
    out_max.resize(std::size_t(nr) * std::size_t(nc));
    for (int r = 0; r < nr; ++r) {
        const float* __restrict l0 = lo_h.data() + std::size_t(r) * nc;
        const float* __restrict h0 = hi_h.data() + std::size_t(r) * nc;
        const float* __restrict x = in.data() + (std::size_t(r0) + r) * std::size_t(cols) + std::size_t(c0);
        float* __restrict lo = out_min.data() + std::size_t(r) * nc;
        float* __restrict hi = out_max.data() + std::size_t(r) * nc;
        for (int c = 0; c < nc; ++c) {
            // An invalid centre departs by nothing whatever its range; ±∞ stay ±∞.
            const float l = std::min(std::min(l0[c], l0[c + nc]), l0[c + 2 * std::size_t(nc)]);
            const float h = std::max(std::max(h0[c], h0[c + nc]), h0[c + 2 * std::size_t(nc)]);
            lo[c] = x[c] + reach * (l - x[c]);
            hi[c] = x[c] + reach * (h - x[c]);
        }
    }
}

/// The departure of @p n after values @p a, less the shift @p m, from the ranges [@p l, @p u], in
/// units of 1 / @p is; 0 where the cell is invalid or has no valid neighbour (lo = +∞ > hi).
/// Without branches, so that it vectorises.
inline void departure_row(const float* __restrict a,
                          const float* __restrict m,
                          const float* __restrict l,
                          const float* __restrict u,
                          const float* __restrict is,
                          const std::uint8_t* __restrict valid,
                          int n,
                          float* __restrict d)
{
    for (int c = 0; c < n; ++c) {
        const float av = a[c] - m[c], lv = l[c], uv = u[c];
        // Below the range, av − lv < 0 and av − uv < 0; above it, both > 0; inside, neither
        // term counts: min and max instead of conditions, so that the loop vectorises (perf: it
        // ran a scalar branch per cell and band).
        const float raw = std::min(av - lv, 0.0f) + std::max(av - uv, 0.0f);
        const std::uint32_t keep = (0u - std::uint32_t(valid[c] != 0)) & (0u - std::uint32_t(lv <= uv));
        d[c] = pick(keep, raw * is[c], 0.0f);
    }
}

} // namespace

void band_departures(const IndexWindow& w,
                     int row0,
                     int col0,
                     const Window& cells,
                     std::vector<std::vector<float>>& out,
                     const std::vector<std::vector<float>>* background,
                     std::vector<std::vector<float>>* out_against_background)
{
    const std::size_t n = cells.size();
    const std::size_t bands = w.bands_before.size();
    out.resize(bands);
    if (background) out_against_background->resize(bands);
    if (n && (cells.row0 - 1 < row0 || cells.col0 - 1 < col0 || cells.row_end() + 1 > row0 + w.rows ||
              cells.col_end() + 1 > col0 + w.cols))
        throw std::logic_error("band_departures: the window does not hold the cells' neighbourhoods");
    const int r0 = cells.row0 - row0, c0 = cells.col0 - col0, nr = cells.rows, nc = cells.cols;
    thread_local std::vector<float> lo, hi, inv_spread, spread, shift, shift_bg;
    inv_spread.resize(std::size_t(std::max(nc, 0)));
    spread.resize(std::size_t(std::max(nc, 0)));
    shift.resize(std::size_t(std::max(nc, 0)));
    shift_bg.resize(std::size_t(std::max(nc, 0)));
    for (std::size_t k = 0; k < bands; ++k) {
        out[k].assign(n, 0.0f);
        if (background) (*out_against_background)[k].assign(n, 0.0f);
        if (n == 0) continue;
        // Each stratum's spread of this band, its reciprocal (1 where there is none), and its
        // median difference.
        std::array<float, 256> inverse, sigma, bias;
        inverse.fill(1.0f);
        sigma.fill(1.0f);
        bias.fill(0.0f);
        for (std::size_t st = 0; st < w.band_sigma.size() && st < inverse.size(); ++st) {
            const float v = k < w.band_sigma[st].size() ? w.band_sigma[st][k] : 0.0f;
            sigma[st] = v > 0 ? v : 1.0f;
            inverse[st] = 1.0f / sigma[st];
        }
        for (std::size_t st = 0; st < w.band_bias.size() && st < bias.size(); ++st)
            bias[st] = k < w.band_bias[st].size() ? w.band_bias[st][k] : 0.0f;
        neighbourhood_range(w.bands_before[k], w.valid, w.cols, r0, c0, nr, nc, lo, hi);
        for (int r = 0; r < nr; ++r) {
            const std::size_t i0 = std::size_t(r) * nc;
            const std::size_t o0 = std::size_t(r0 + r) * w.cols + std::size_t(c0);
            const std::uint8_t* __restrict stratum = w.stratum.data() + o0;
            float* __restrict is = inv_spread.data();
            float* __restrict sd = spread.data();
            float* __restrict m = shift.data();
            for (int c = 0; c < nc; ++c) {
                is[c] = inverse[stratum[c]];
                sd[c] = sigma[stratum[c]];
                m[c] = bias[stratum[c]];
            }
            const float* a = w.bands_after[k].data() + o0;
            const std::uint8_t* valid = w.valid.data() + o0;
            departure_row(a, m, lo.data() + i0, hi.data() + i0, is, valid, nc, out[k].data() + i0);
            if (background) {
                const float* __restrict bg = (*background)[k].data() + i0;
                float* __restrict mb = shift_bg.data();
                for (int c = 0; c < nc; ++c)
                    mb[c] = m[c] + sd[c] * bg[c];
                departure_row(a,
                              mb,
                              lo.data() + i0,
                              hi.data() + i0,
                              is,
                              valid,
                              nc,
                              (*out_against_background)[k].data() + i0);
            }
        }
    }
}

void smoothed_magnitude(const IndexWindow& w,
                        int row0,
                        int col0,
                        const std::vector<std::vector<float>>& departures,
                        const Window& target,
                        std::vector<float>& out)
{
    // The departures cover the target and its one-cell ring.
    const int ir = target.rows + 2, ic = target.cols + 2;
    const int orows = target.rows, ocols = target.cols;
    out.assign(target.size(), 0.0f);
    if (out.empty()) return;
    const std::size_t n = std::size_t(ir) * std::size_t(ic);
    const std::size_t bands = departures.size();
    // Magnitude of every cell of the ring window, and whether it counts (valid) as 1/0.
    thread_local std::vector<float> magnitude, weight;
    magnitude.assign(n, 0.0f);
    weight.resize(n);
    for (std::size_t k = 0; k < bands; ++k) {
        const float* __restrict d = departures[k].data();
        float* __restrict m = magnitude.data();
        for (std::size_t i = 0; i < n; ++i)
            m[i] += d[i] * d[i];
    }
    const float inv_bands = bands ? 1.0f / float(bands) : 0.0f;
    for (int r = 0; r < ir; ++r) {
        const std::uint8_t* valid = w.valid.data() + std::size_t(target.row0 - 1 - row0 + r) * w.cols +
                                    std::size_t(target.col0 - 1 - col0);
        float* m = magnitude.data() + std::size_t(r) * ic;
        float* wt = weight.data() + std::size_t(r) * ic;
        for (int c = 0; c < ic; ++c) {
            m[c] = std::sqrt(m[c] * inv_bands);
            wt[c] = valid[c] ? 1.0f : 0.0f;
        }
    }
    // 3×3 mean over the valid cells, in a fixed order of additions (rows of 3, then columns of
    // 3): every cell gets the same value whatever window it is computed in.
    thread_local std::vector<float> row_sum, row_weight;
    row_sum.resize(std::size_t(ir) * std::size_t(ocols));
    row_weight.resize(std::size_t(ir) * std::size_t(ocols));
    for (int r = 0; r < ir; ++r) {
        const float* m = magnitude.data() + std::size_t(r) * ic;
        const float* wt = weight.data() + std::size_t(r) * ic;
        float* s = row_sum.data() + std::size_t(r) * ocols;
        float* sw = row_weight.data() + std::size_t(r) * ocols;
        for (int c = 0; c < ocols; ++c) {
            s[c] = (m[c] * wt[c] + m[c + 1] * wt[c + 1]) + m[c + 2] * wt[c + 2];
            sw[c] = (wt[c] + wt[c + 1]) + wt[c + 2];
        }
    }
    for (int r = 0; r < orows; ++r) {
        const float* s0 = row_sum.data() + std::size_t(r) * ocols;
        const float* w0 = row_weight.data() + std::size_t(r) * ocols;
        float* o = out.data() + std::size_t(r) * ocols;
        for (int c = 0; c < ocols; ++c) {
            const float s = (s0[c] + s0[c + ocols]) + s0[c + 2 * std::size_t(ocols)];
            const float sw = (w0[c] + w0[c + ocols]) + w0[c + 2 * std::size_t(ocols)];
            o[c] = sw > 0.0f ? s / sw : 0.0f;
        }
    }
}

PixelChange classify_pixel(const ChangeThresholds& t,
                           float magnitude,
                           float context_magnitude,
                           float ndvi_before,
                           float ndvi_after,
                           float water_before,
                           float water_after)
{
    const Cover before = t.cover.of(ndvi_before, water_before);
    const Cover after = t.cover.of(ndvi_after, water_after);
    // Vegetated land that stayed vegetated changes broadly with its season, a haze or the light;
    // elsewhere a broad change of the same cover is activity itself (grading, a district being
    // built, a quarry floor spreading), and a conversion is activity however large.
    const bool stayed_vegetated = before == Cover::vegetation && after == Cover::vegetation;
    const float m = stayed_vegetated ? std::min(magnitude, context_magnitude) : magnitude;
    PixelChange p{ float(m / t.threshold), change_other };
    if (before == Cover::water && after == Cover::water)
        return PixelChange{ 0.0f, change_other }; // sediment, algae, aquaculture: the water's colour
    if (t.stays_vegetation_factor != 1.0 && t.cover.stays_dense(ndvi_before, ndvi_after))
        p.score = float(p.score / t.stays_vegetation_factor);
    if (before == Cover::water)
        p.type = change_water_to_land;
    else if (after == Cover::water)
        p.type = before == Cover::vegetation ? change_vegetation_to_water : change_bare_to_water;
    else if (before == Cover::vegetation && after == Cover::bare)
        p.type = change_vegetation_to_bare;
    else if (before == Cover::vegetation)
        // Still vegetated: a clearing left half grass, or a road one cell wide, reads as a large
        // NDVI fall.
        p.type = ndvi_before - ndvi_after >= t.cover.vegetation_loss_ndvi ? change_vegetation_to_bare
                                                                          : change_vegetation;
    else if (after == Cover::bare)
        p.type = change_bare_land;
    return p;
}

} // namespace redline
