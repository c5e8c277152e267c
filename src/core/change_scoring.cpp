#include "change_scoring.h"

#include <algorithm>
#include <cmath>
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
    for (std::size_t i = 0; i < n; ++i) {
        lo_in[i] = valid[i] ? in[i] : inf;
        hi_in[i] = valid[i] ? in[i] : -inf;
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
            const float* r0 = h.data() + std::size_t(r) * ic;
            const float* r1 = r0 + ic;
            const float* r2 = r1 + ic;
            float* o = out->data() + std::size_t(r) * ic;
            if (is_min)
                for (int c = 0; c < ic; ++c)
                    o[c] = std::min(std::min(r0[c], r1[c]), r2[c]);
            else
                for (int c = 0; c < ic; ++c)
                    o[c] = std::max(std::max(r0[c], r1[c]), r2[c]);
            for (int c = 0; c < ic; ++c)
                if (std::isinf(o[c]))
                    o[c] = none;
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
    for (int r = 0; r < ir; ++r)
        for (int c = 0; c < ic; ++c) {
            const std::size_t inner = std::size_t(r) * ic + c;
            const std::size_t outer = std::size_t(r + 1) * w.cols + (c + 1);
            if (!w.valid[outer])
                continue;
            out[vegetation_loss][inner] = ndvi_min[inner] - w.ndvi_after[outer];
            out[bare_gain][inner] = w.bare_after[outer] - bare_max[inner];
            out[water_gain][inner] = w.water_after[outer] - water_max[inner];
            out[water_loss][inner] = water_min[inner] - w.water_after[outer];
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
    for (std::size_t k = 0; k < bands; ++k) {
        neighbourhood(w.bands_before[k], w.valid, w.rows, w.cols, &lo, &hi);
        for (int r = 0; r < ir; ++r)
            for (int c = 0; c < ic; ++c) {
                const std::size_t inner = std::size_t(r) * ic + c;
                const std::size_t outer = std::size_t(r + 1) * w.cols + (c + 1);
                if (!w.valid[outer] || std::isnan(lo[inner]))
                    continue;
                const float sigma = w.band_sigma.empty() ? 1.0f : w.band_sigma[w.stratum[outer]][k];
                const float s = sigma > 0 ? sigma : 1.0f;
                const float a = w.bands_after[k][outer];
                const float d = a < lo[inner] ? lo[inner] - a : (a > hi[inner] ? a - hi[inner] : 0.0f);
                sum[inner] += double(d / s) * double(d / s);
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
