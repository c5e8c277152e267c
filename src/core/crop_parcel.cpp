#include "crop_parcel.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace redline {

double after_brightness_cv(const PatchStats& s)
{
    if (s.pixels <= 0) return std::numeric_limits<double>::infinity();
    const double n = double(s.pixels);
    const double mean = s.brightness_after.value() / n;
    if (!(mean > 0)) return std::numeric_limits<double>::infinity();
    const double variance = std::max(0.0, s.brightness_after_sq.value() / n - mean * mean);
    return std::sqrt(variance) / mean;
}

bool looks_like_harvested_field(const PatchStats& s, double max_cv)
{
    return s.type() == change_vegetation_to_bare && after_brightness_cv(s) < max_cv;
}

} // namespace redline
