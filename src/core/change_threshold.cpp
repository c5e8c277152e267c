#include "change_threshold.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace redline {

RobustStats robust_stats(std::vector<float>& values)
{
    RobustStats s;
    if (values.empty())
        return s;
    const std::size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(mid), values.end());
    s.median = values[mid];
    for (float& v : values)
        v = std::abs(v - float(s.median));
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(mid), values.end());
    s.sigma = 1.4826 * values[mid];
    if (!(s.sigma > 1e-6))
        s.sigma = 1e-6; // a constant score: any departure is change
    return s;
}

std::optional<double> kittler_illingworth(const std::vector<double>& h, double lo, double width, double search_lo,
                                          double search_hi)
{
    const std::size_t n = h.size();
    double total = 0;
    for (double v : h)
        total += v;
    if (n < 3 || total <= 0)
        return std::nullopt;
    auto centre = [&](std::size_t i) { return lo + (double(i) + 0.5) * width; };
    // Prefix sums of counts, first and second moments.
    std::vector<double> c(n + 1, 0), m1(n + 1, 0), m2(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        c[i + 1] = c[i] + h[i];
        m1[i + 1] = m1[i] + h[i] * centre(i);
        m2[i + 1] = m2[i] + h[i] * centre(i) * centre(i);
    }
    double best = std::numeric_limits<double>::infinity();
    std::optional<std::size_t> best_t;
    std::vector<double> j(n + 1, std::numeric_limits<double>::infinity());
    for (std::size_t t = 1; t < n; ++t) {
        const double threshold = lo + double(t) * width;
        if (threshold < search_lo || threshold > search_hi)
            continue;
        const double n1 = c[t], n2 = total - c[t];
        if (n1 <= 0 || n2 <= 0)
            continue;
        const double p1 = n1 / total, p2 = n2 / total;
        const double mu1 = m1[t] / n1, mu2 = (m1[n] - m1[t]) / n2;
        const double v1 = m2[t] / n1 - mu1 * mu1, v2 = (m2[n] - m2[t]) / n2 - mu2 * mu2;
        const double floor_var = width * width / 12.0; // one bin's own spread
        const double s1 = std::sqrt(std::max(v1, floor_var)), s2 = std::sqrt(std::max(v2, floor_var));
        j[t] = 1 + 2 * (p1 * std::log(s1) + p2 * std::log(s2)) - 2 * (p1 * std::log(p1) + p2 * std::log(p2));
        if (j[t] < best) {
            best = j[t];
            best_t = t;
        }
    }
    if (!best_t)
        return std::nullopt;
    // A minimum at the edge of the search range is no minimum.
    const double threshold = lo + double(*best_t) * width;
    if (threshold <= search_lo + width || threshold >= search_hi - width)
        return std::nullopt;
    return threshold;
}

ChangeThreshold choose_threshold(const std::vector<float>& z, std::optional<double> user_z)
{
    ChangeThreshold t;
    if (user_z) {
        t.z = *user_z;
        t.method = "user";
        return t;
    }
    // Histogram of the standardised scores from 0 to 40 sigmas (the unchanged side of the median
    // carries no information about the change class).
    const double lo = 0, width = 0.1;
    std::vector<double> h(400, 0.0);
    for (float v : z) {
        if (!(v >= lo))
            continue;
        const std::size_t bin = std::min<std::size_t>(h.size() - 1, std::size_t((v - lo) / width));
        h[bin] += 1;
    }
    const std::optional<double> ki = kittler_illingworth(h, lo, width, 2.0, 30.0);
    if (ki) {
        t.z = std::min(8.0, std::max(4.0, *ki));
        t.method = "kittler-illingworth";
    } else {
        t.z = 5.0;
        t.method = "robust 5 sigma";
    }
    return t;
}

} // namespace redline
