#include "robust_stats.h"

#include <algorithm>
#include <cmath>

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

} // namespace redline
