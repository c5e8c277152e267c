#include "cloud_parallax.h"

#include "phase_correlation.h"

#include <cmath>

namespace redline {

BandParallax band_parallax(const std::vector<float>& blue,
                           const std::vector<float>& green,
                           const std::vector<float>& red,
                           int size,
                           const ParallaxRule& rule)
{
    constexpr double every_frequency = 1.0; // beyond the corner of the spectrum (√0.5 cycles per cell)
    BandParallax out;
    const PhaseCorrelation r = phase_correlate(blue, red, size, every_frequency);
    out.red_dx = r.dx;
    out.red_dy = r.dy;
    // North is up the grid: a negative row shift.
    const double north = -r.dy;
    // Only a clear peak is a displacement: bands whose textures differ (vegetation is dark in red,
    // not in blue) give a flat surface whose highest point means nothing.
    if (!r.clear() || !(north >= rule.min_north && std::abs(r.dx) <= rule.max_across * north)) return out;
    const PhaseCorrelation g = phase_correlate(blue, green, size, every_frequency);
    out.green_dy = g.dy;
    const double green_north = -g.dy;
    out.elevated = g.clear() && green_north >= rule.min_green && green_north <= north;
    return out;
}

bool known_parallax_direction(const std::string& name)
{
    return name == "north";
}

} // namespace redline
