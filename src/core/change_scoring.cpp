#include "change_scoring.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace redline {

const char* change_component_name(int component)
{
    static const char* names[] = { "vegetation_loss", "bare_gain", "water_gain", "water_loss" };
    return component >= 0 && component < change_component_count ? names[component] : "unknown";
}

const char* change_type_name(int type)
{
    static const char* names[] = { "other", "vegetation_to_bare", "vegetation_to_water", "water_to_land" };
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

Strata Strata::quantiles(std::vector<float>& brightness, int n)
{
    Strata s;
    if (brightness.empty() || n < 2)
        return s;
    std::sort(brightness.begin(), brightness.end());
    for (int k = 1; k < n; ++k) {
        const float cut = brightness[std::size_t(double(k) / n * double(brightness.size() - 1))];
        if (s.edges.empty() || cut > s.edges.back())
            s.edges.push_back(cut);
    }
    return s;
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

/// 3×3 minimum and maximum of @p in over valid pixels, for the inner pixels; NaN where no pixel
/// of the neighbourhood is valid. Either output may be null.
///
/// Invalid pixels enter as +∞ for the minimum and −∞ for the maximum, so the loops have no
/// branches and vectorise; separable (rows of 3, then columns of 3).
void neighbourhood(const std::vector<float>& in, const std::vector<std::uint8_t>& valid, int rows, int cols,
                   std::vector<float>* out_min, std::vector<float>* out_max)
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
    const float none = std::numeric_limits<float>::quiet_NaN();
    for (int pass = 0; pass < 2; ++pass) {
        const bool is_min = pass == 0;
        std::vector<float>* out = is_min ? out_min : out_max;
        if (!out)
            continue;
        const std::vector<float>& h = is_min ? lo_h : hi_h;
        out->resize(std::size_t(ir) * std::size_t(ic));
        for (int r = 0; r < ir; ++r) {
            const float* __restrict r0 = h.data() + std::size_t(r) * ic;
            const float* __restrict r1 = r0 + ic;
            const float* __restrict r2 = r1 + ic;
            float* __restrict o = out->data() + std::size_t(r) * ic;
            // No valid cell around: ±inf, reported as NaN.
            if (is_min)
                for (int c = 0; c < ic; ++c) {
                    const float m = std::min(std::min(r0[c], r1[c]), r2[c]);
                    o[c] = std::fabs(m) == inf ? none : m;
                }
            else
                for (int c = 0; c < ic; ++c) {
                    const float m = std::max(std::max(r0[c], r1[c]), r2[c]);
                    o[c] = std::fabs(m) == inf ? none : m;
                }
        }
    }
}

} // namespace

void change_components(const IndexWindow& w, std::array<std::vector<float>, change_component_count>& out)
{
    const int ir = w.rows - 2, ic = w.cols - 2;
    const std::size_t n = std::size_t(std::max(ir, 0)) * std::size_t(std::max(ic, 0));
    for (auto& v : out)
        v.assign(n, std::numeric_limits<float>::quiet_NaN());
    if (n == 0)
        return;
    thread_local std::vector<float> ndvi_min, bare_max, water_max, water_min;
    neighbourhood(w.ndvi_before, w.valid, w.rows, w.cols, &ndvi_min, nullptr);
    neighbourhood(w.bare_before, w.valid, w.rows, w.cols, nullptr, &bare_max);
    neighbourhood(w.water_before, w.valid, w.rows, w.cols, &water_min, &water_max);
    const float none = std::numeric_limits<float>::quiet_NaN();
    for (int r = 0; r < ir; ++r) {
        const std::size_t i0 = std::size_t(r) * ic;
        const std::size_t o0 = std::size_t(r + 1) * w.cols + 1;
        const std::uint8_t* __restrict valid = w.valid.data() + o0;
        const float* __restrict nmin = ndvi_min.data() + i0;
        const float* __restrict bmax = bare_max.data() + i0;
        const float* __restrict wmax = water_max.data() + i0;
        const float* __restrict wmin = water_min.data() + i0;
        const float* __restrict ndvi_after = w.ndvi_after.data() + o0;
        const float* __restrict bare_after = w.bare_after.data() + o0;
        const float* __restrict water_after = w.water_after.data() + o0;
        float* __restrict loss = out[vegetation_loss].data() + i0;
        float* __restrict bare = out[bare_gain].data() + i0;
        float* __restrict wgain = out[water_gain].data() + i0;
        float* __restrict wloss = out[water_loss].data() + i0;
        for (int c = 0; c < ic; ++c) {
            const std::uint32_t keep = 0u - std::uint32_t(valid[c] != 0);
            loss[c] = pick(keep, nmin[c] - ndvi_after[c], none);
            bare[c] = pick(keep, bare_after[c] - bmax[c], none);
            wgain[c] = pick(keep, water_after[c] - wmax[c], none);
            wloss[c] = pick(keep, wmin[c] - water_after[c], none);
        }
    }
}

void spectral_departure(const IndexWindow& w, std::vector<float>& out)
{
    const int ir = w.rows - 2, ic = w.cols - 2;
    const std::size_t n = std::size_t(std::max(ir, 0)) * std::size_t(std::max(ic, 0));
    out.assign(n, 0.0f);
    thread_local std::vector<float> lo, hi;
    thread_local std::vector<double> sum;
    sum.assign(n, 0.0);
    const std::size_t bands = w.bands_before.size();
    // Each band's spread by stratum, as the divisor (1 where there is none).
    std::array<float, 256> spread;
    thread_local std::vector<float> row_spread;
    row_spread.resize(std::size_t(std::max(ic, 0)));
    for (std::size_t k = 0; k < bands; ++k) {
        spread.fill(1.0f);
        for (std::size_t st = 0; st < w.band_sigma.size() && st < spread.size(); ++st) {
            const float sigma = w.band_sigma[st][k];
            spread[st] = sigma > 0 ? sigma : 1.0f;
        }
        neighbourhood(w.bands_before[k], w.valid, w.rows, w.cols, &lo, &hi);
        for (int r = 0; r < ir; ++r) {
            const std::size_t i0 = std::size_t(r) * ic;
            const std::size_t o0 = std::size_t(r + 1) * w.cols + 1;
            const float* __restrict l = lo.data() + i0;
            const float* __restrict u = hi.data() + i0;
            const float* __restrict a = w.bands_after[k].data() + o0;
            const std::uint8_t* __restrict valid = w.valid.data() + o0;
            const std::uint8_t* __restrict stratum = w.stratum.data() + o0;
            double* __restrict acc = sum.data() + i0;
            float* __restrict sd = row_spread.data();
            for (int c = 0; c < ic; ++c)
                sd[c] = spread[stratum[c]];
            // Without branches: cells without data, or without a valid neighbour (lo is NaN), add 0.
            for (int c = 0; c < ic; ++c) {
                const float av = a[c], lv = l[c], uv = u[c];
                const float below = lv - av, above = av - uv;
                const float d = av < lv ? below : (av > uv ? above : 0.0f);
                const double t = double(d / sd[c]) * double(d / sd[c]);
                const bool use = (valid[c] != 0) & (lv == lv);
                acc[c] += use ? t : 0.0;
            }
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        out[i] = bands ? float(std::sqrt(sum[i] / double(bands))) : 0.0f;
}

PixelChange classify_pixel(const ChangeThresholds& t, const std::array<float, change_component_count>& raw,
                           float departure, int stratum, float ndvi_before, float water_before, float water_after)
{
    std::array<float, change_component_count> s{};
    float best = 0.0f;
    for (int k = 0; k < change_component_count; ++k) {
        const ChangeThreshold& th = t.component[std::size_t(k)];
        s[std::size_t(k)] =
          std::isnan(raw[std::size_t(k)]) ? 0.0f : float(t.z_of(k, stratum, raw[std::size_t(k)]) / th.z);
        best = std::max(best, s[std::size_t(k)]);
    }
    const float low = float(t.hysteresis);
    // The spectral departure caps the score: index noise over dark surfaces is no change. A
    // pixel is changed (weak) only when both reach the threshold (its hysteresis share).
    best = std::min(best, float(departure / t.departure));
    PixelChange p{ best, change_other };
    // A rising water index means water only where the after value says water (MNDWI/NDWI > 0):
    // bare soil raises MNDWI too.
    if (s[water_gain] >= low && water_after > 0.0f && water_before <= 0.0f)
        p.type = change_vegetation_to_water;
    else if (s[water_loss] >= low && water_before > 0.0f && water_after <= 0.0f)
        p.type = change_water_to_land;
    else if ((s[vegetation_loss] >= low || s[bare_gain] >= low) && ndvi_before >= 0.3f)
        p.type = change_vegetation_to_bare;
    return p;
}

} // namespace redline
