#include "change_scoring.h"

#include "robust_stats.h"
#include "spectral_indices.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace redline {

const char* change_type_name(int type)
{
    static const char* names[] = { "other",         "vegetation_to_bare", "vegetation_to_water", "water_to_land",
                                   "bare_to_water", "bare_land_change",   "vegetation_change" };
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
        if (b.empty())
            continue;
        std::sort(b.begin(), b.end());
        for (int k = 1; k < per_cover; ++k)
            s.edges[c].push_back(b[std::size_t(double(k) / per_cover * double(b.size() - 1))]);
    }
    return s;
}

void fit_strata(const std::vector<std::vector<float>>& before, const std::vector<std::vector<float>>& after,
                ChangeThresholds& t)
{
    const std::size_t bands = before.size();
    const std::size_t n = bands ? before[0].size() : 0;
    std::vector<std::uint8_t> cover(n);
    std::vector<float> brightness(n, 0.0f);
    std::array<std::vector<float>, 3> by_cover;
    for (std::size_t i = 0; i < n; ++i) {
        const SpectralIndices x = bands >= 5 ? indices_with_swir(before[0][i], before[1][i], before[2][i], before[3][i],
                                                                 before[4][i])
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

/// 3×3 minimum and maximum of @p in over valid cells, for the inner cells; +∞ / −∞ where no cell
/// of the neighbourhood is valid.
///
/// Invalid cells enter as +∞ for the minimum and −∞ for the maximum, so the loops have no
/// branches and vectorise; separable (rows of 3, then columns of 3).
void neighbourhood_range(const std::vector<float>& in, const std::vector<std::uint8_t>& valid, int rows, int cols,
                         std::vector<float>& out_min, std::vector<float>& out_max)
{
    const float inf = std::numeric_limits<float>::infinity();
    const int ir = rows - 2, ic = cols - 2;
    const std::size_t n = std::size_t(rows) * std::size_t(cols);
    thread_local std::vector<float> lo_in, hi_in, lo_h, hi_h;
    lo_in.resize(n);
    hi_in.resize(n);
    {
        const float* __restrict x = in.data();
        const std::uint8_t* __restrict v = valid.data();
        float* __restrict lo = lo_in.data();
        float* __restrict hi = hi_in.data();
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t keep = 0u - std::uint32_t(v[i] != 0);
            lo[i] = pick(keep, x[i], inf);
            hi[i] = pick(keep, x[i], -inf);
        }
    }
    lo_h.resize(std::size_t(rows) * std::size_t(ic));
    hi_h.resize(std::size_t(rows) * std::size_t(ic));
    for (int r = 0; r < rows; ++r) {
        const float* a = lo_in.data() + std::size_t(r) * cols;
        const float* b = hi_in.data() + std::size_t(r) * cols;
        float* lo = lo_h.data() + std::size_t(r) * ic;
        float* hi = hi_h.data() + std::size_t(r) * ic;
        for (int c = 0; c < ic; ++c) {
            lo[c] = std::min(std::min(a[c], a[c + 1]), a[c + 2]);
            hi[c] = std::max(std::max(b[c], b[c + 1]), b[c + 2]);
        }
    }
    out_min.resize(std::size_t(ir) * std::size_t(ic));
    out_max.resize(std::size_t(ir) * std::size_t(ic));
    for (int r = 0; r < ir; ++r) {
        const float* __restrict l0 = lo_h.data() + std::size_t(r) * ic;
        const float* __restrict h0 = hi_h.data() + std::size_t(r) * ic;
        float* __restrict lo = out_min.data() + std::size_t(r) * ic;
        float* __restrict hi = out_max.data() + std::size_t(r) * ic;
        for (int c = 0; c < ic; ++c) {
            lo[c] = std::min(std::min(l0[c], l0[c + ic]), l0[c + 2 * std::size_t(ic)]);
            hi[c] = std::max(std::max(h0[c], h0[c + ic]), h0[c + 2 * std::size_t(ic)]);
        }
    }
}

} // namespace

void band_departures(const IndexWindow& w, std::vector<std::vector<float>>& out)
{
    const int ir = std::max(0, w.rows - 2), ic = std::max(0, w.cols - 2);
    const std::size_t n = std::size_t(ir) * std::size_t(ic);
    const std::size_t bands = w.bands_before.size();
    out.resize(bands);
    thread_local std::vector<float> lo, hi, inv_spread, shift;
    inv_spread.resize(std::size_t(ic));
    shift.resize(std::size_t(ic));
    for (std::size_t k = 0; k < bands; ++k) {
        out[k].assign(n, 0.0f);
        if (n == 0)
            continue;
        // Each stratum's spread of this band, as a reciprocal (1 where there is none), and its
        // median difference.
        std::array<float, 256> inverse, bias;
        inverse.fill(1.0f);
        bias.fill(0.0f);
        for (std::size_t st = 0; st < w.band_sigma.size() && st < inverse.size(); ++st) {
            const float sigma = k < w.band_sigma[st].size() ? w.band_sigma[st][k] : 0.0f;
            inverse[st] = sigma > 0 ? 1.0f / sigma : 1.0f;
        }
        for (std::size_t st = 0; st < w.band_bias.size() && st < bias.size(); ++st)
            bias[st] = k < w.band_bias[st].size() ? w.band_bias[st][k] : 0.0f;
        neighbourhood_range(w.bands_before[k], w.valid, w.rows, w.cols, lo, hi);
        for (int r = 0; r < ir; ++r) {
            const std::size_t i0 = std::size_t(r) * ic;
            const std::size_t o0 = std::size_t(r + 1) * w.cols + 1;
            const float* __restrict l = lo.data() + i0;
            const float* __restrict u = hi.data() + i0;
            const float* __restrict a = w.bands_after[k].data() + o0;
            const std::uint8_t* __restrict valid = w.valid.data() + o0;
            const std::uint8_t* __restrict stratum = w.stratum.data() + o0;
            float* __restrict d = out[k].data() + i0;
            float* __restrict s = inv_spread.data();
            float* __restrict m = shift.data();
            for (int c = 0; c < ic; ++c) {
                s[c] = inverse[stratum[c]];
                m[c] = bias[stratum[c]];
            }
            // Without branches: a cell without data, or without a valid neighbour (lo = +∞ > hi),
            // departs by 0.
            for (int c = 0; c < ic; ++c) {
                const float av = a[c] - m[c], lv = l[c], uv = u[c];
                const float below = av - lv, above = av - uv;
                const float raw = av < lv ? below : (av > uv ? above : 0.0f);
                const bool use = (valid[c] != 0) & (lv <= uv);
                d[c] = use ? raw * s[c] : 0.0f;
            }
        }
    }
}

void smoothed_magnitude(const IndexWindow& w, int row0, int col0, const std::vector<std::vector<float>>& departures,
                        const Window& target, std::vector<float>& out)
{
    // The target and its one-cell ring, on the departures' grid (whose cell (0, 0) is image cell
    // (row0 + 1, col0 + 1)).
    const int ir = target.rows + 2, ic = target.cols + 2;
    const int orows = target.rows, ocols = target.cols;
    out.assign(target.size(), 0.0f);
    if (out.empty())
        return;
    const int dcols = w.cols - 2;
    const int r_first = target.row0 - 1 - row0 - 1, c_first = target.col0 - 1 - col0 - 1;
    const std::size_t n = std::size_t(ir) * std::size_t(ic);
    const std::size_t bands = departures.size();
    // Magnitude of every cell of the ring window, and whether it counts (valid) as 1/0.
    thread_local std::vector<float> magnitude, weight;
    magnitude.assign(n, 0.0f);
    weight.resize(n);
    for (std::size_t k = 0; k < bands; ++k)
        for (int r = 0; r < ir; ++r) {
            const float* __restrict d = departures[k].data() + std::size_t(r_first + r) * dcols + std::size_t(c_first);
            float* __restrict m = magnitude.data() + std::size_t(r) * ic;
            for (int c = 0; c < ic; ++c)
                m[c] += d[c] * d[c];
        }
    const float inv_bands = bands ? 1.0f / float(bands) : 0.0f;
    for (int r = 0; r < ir; ++r) {
        const std::uint8_t* valid = w.valid.data() + std::size_t(r_first + r + 1) * w.cols + std::size_t(c_first + 1);
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

PixelChange classify_pixel(const ChangeThresholds& t, float magnitude, float context_magnitude, float ndvi_before,
                           float ndvi_after, float water_before, float water_after)
{
    const Cover before = t.cover.of(ndvi_before, water_before);
    const Cover after = t.cover.of(ndvi_after, water_after);
    const bool converted = before != after;
    const float m = converted ? magnitude : std::min(magnitude, context_magnitude);
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
        p.type = ndvi_before - ndvi_after >= t.cover.vegetation_loss_ndvi ? change_vegetation_to_bare : change_vegetation;
    else if (after == Cover::bare)
        p.type = change_bare_land;
    return p;
}

} // namespace redline
