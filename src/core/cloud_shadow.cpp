#include "cloud_shadow.h"

#include <algorithm>
#include <cmath>

namespace redline {

bool AzimuthRange::holds(double azimuth) const
{
    for (double a : { azimuth, azimuth + 360.0 })
        if (a >= from && a <= to) return true;
    return false;
}

AzimuthRange morning_shadow_directions(double latitude)
{
    // The sun's azimuth over a year of overpasses between 10:00 and 11:30 local solar time
    // (Sentinel-2 crosses the equator at 10:30 descending, later towards the poles): hour angles
    // −30° to −7.5°, declinations ±23.44°, wherever the sun is at least 5° high. Before noon the
    // sun is in the east half of the sky, so shadows point into the west half, (180°, 360°).
    // The margin, 15°, is for what moves a cloud's outline against its shadow's: the cloud's own
    // displacement by the view angle (up to ~11° off nadir across the track) and its sides.
    const double phi = latitude * M_PI / 180.0;
    double lo = 360.0, hi = 180.0;
    for (double decl = -23.44; decl <= 23.44 + 1e-9; decl += 0.5)
        for (double hour = -30.0; hour <= -7.5 + 1e-9; hour += 0.5) {
            const double d = decl * M_PI / 180.0, h = hour * M_PI / 180.0;
            const double sin_elevation = std::sin(phi) * std::sin(d) + std::cos(phi) * std::cos(d) * std::cos(h);
            if (sin_elevation < std::sin(5.0 * M_PI / 180.0)) continue;
            // Azimuth clockwise from north: east component, north component of the direction to the sun.
            const double east = -std::cos(d) * std::sin(h);
            const double north = std::cos(phi) * std::sin(d) - std::sin(phi) * std::cos(d) * std::cos(h);
            double sun = std::atan2(east, north) * 180.0 / M_PI;
            if (sun < 0) sun += 360.0;
            const double shadow = sun + 180.0; // in (180, 360): the sun is east of the meridian
            lo = std::min(lo, shadow);
            hi = std::max(hi, shadow);
        }
    if (lo > hi) return { 180.0, 360.0 }; // the sun never high enough: any western direction
    return { lo - 15.0, hi + 15.0 };
}

ShadowOffset match_cloud_shadow(const std::vector<Cell>& cloud,
                                const std::vector<Cell>& dark,
                                double cell_width_m,
                                double cell_height_m,
                                const AzimuthRange& directions,
                                const ShadowRule& rule)
{
    ShadowOffset best;
    if (cloud.empty() || dark.empty() || !(cell_width_m > 0) || !(cell_height_m > 0)) return best;
    const int reach_rows = int(std::ceil(rule.max_distance_m / cell_height_m));
    const int reach_cols = int(std::ceil(rule.max_distance_m / cell_width_m));
    const int side_rows = 2 * reach_rows + 1, side_cols = 2 * reach_cols + 1;
    // Votes of every (cloud cell, dark cell) pair for the translation between them; a cloud of
    // thousands of cells and as many dark cells make millions of pairs, cheaper than a transform.
    // Far larger ones are thinned (every k-th cloud cell), which scales the votes, not their peak.
    const std::size_t stride =
      std::max<std::size_t>(1, (cloud.size() * dark.size()) / std::size_t(400'000'000) + 1);
    std::vector<std::int32_t> votes(std::size_t(side_rows) * std::size_t(side_cols), 0);
    for (std::size_t i = 0; i < cloud.size(); i += stride)
        for (const Cell& d : dark) {
            const int dr = d.row - cloud[i].row, dc = d.col - cloud[i].col;
            if (std::abs(dr) > reach_rows || std::abs(dc) > reach_cols) continue;
            ++votes[std::size_t(dr + reach_rows) * std::size_t(side_cols) + std::size_t(dc + reach_cols)];
        }
    for (int r = 0; r < side_rows; ++r)
        for (int c = 0; c < side_cols; ++c) {
            const std::int64_t v = std::int64_t(votes[std::size_t(r) * std::size_t(side_cols) + std::size_t(c)]) *
                                   std::int64_t(stride);
            if (v <= best.overlap) continue;
            const double north_m = -double(r - reach_rows) * cell_height_m, east_m = double(c - reach_cols) * cell_width_m;
            const double distance = std::hypot(north_m, east_m);
            if (distance > rule.max_distance_m || distance == 0) continue;
            double azimuth = std::atan2(east_m, north_m) * 180.0 / M_PI;
            if (azimuth < 0) azimuth += 360.0;
            if (!directions.holds(azimuth)) continue;
            best.rows = r - reach_rows;
            best.cols = c - reach_cols;
            best.overlap = v;
            best.distance_m = distance;
            best.azimuth = azimuth;
        }
    best.found = double(best.overlap) >= rule.min_overlap_share * double(cloud.size());
    return best;
}

} // namespace redline
