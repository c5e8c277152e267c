#include "radiometric_normalization.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace redline {

namespace {

BandFit least_squares(const std::vector<float>& y, const std::vector<float>& x, const std::vector<std::size_t>& rows)
{
    BandFit fit;
    const double n = double(rows.size());
    if (rows.size() < 10)
        return fit;
    double sx = 0, sy = 0;
    for (std::size_t i : rows) {
        sx += x[i];
        sy += y[i];
    }
    const double mx = sx / n, my = sy / n;
    double sxx = 0, sxy = 0;
    for (std::size_t i : rows) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    if (sxx <= 0)
        return fit;
    fit.gain = sxy / sxx;
    fit.offset = my - fit.gain * mx;
    double sse = 0;
    for (std::size_t i : rows) {
        const double r = y[i] - (fit.gain * x[i] + fit.offset);
        sse += r * r;
    }
    fit.rmse = std::sqrt(sse / n);
    fit.invariant_pixels = rows.size();
    return fit;
}

} // namespace

std::vector<BandFit> fit_relative_normalization(const std::vector<std::vector<float>>& before,
                                                const std::vector<std::vector<float>>& after, int iterations,
                                                double keep_fraction)
{
    const std::size_t bands = before.size();
    std::vector<BandFit> fits(bands);
    if (bands == 0 || before[0].empty())
        return fits;
    const std::size_t n = before[0].size();
    std::vector<std::size_t> rows(n);
    std::iota(rows.begin(), rows.end(), std::size_t(0));
    std::vector<double> change(n);
    for (int it = 0; it < iterations; ++it) {
        for (std::size_t b = 0; b < bands; ++b)
            fits[b] = least_squares(before[b], after[b], rows);
        if (it + 1 == iterations)
            break;
        // Standardised residuals over all bands: large for pixels that changed.
        std::fill(change.begin(), change.end(), 0.0);
        for (std::size_t b = 0; b < bands; ++b) {
            const double s = fits[b].rmse > 0 ? fits[b].rmse : 1.0;
            for (std::size_t i = 0; i < n; ++i) {
                const double r = (before[b][i] - fits[b].apply(after[b][i])) / s;
                change[i] += r * r;
            }
        }
        std::vector<std::size_t> all(n);
        std::iota(all.begin(), all.end(), std::size_t(0));
        const std::size_t keep = std::max<std::size_t>(10, std::size_t(double(n) * keep_fraction));
        if (keep < n)
            std::nth_element(all.begin(), all.begin() + std::ptrdiff_t(keep), all.end(),
                             [&](std::size_t a, std::size_t b) { return change[a] < change[b] || (change[a] == change[b] && a < b); });
        all.resize(std::min(keep, n));
        std::sort(all.begin(), all.end()); // a fixed order keeps the sums bit-identical
        rows = std::move(all);
    }
    return fits;
}

} // namespace redline
