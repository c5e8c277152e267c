#pragma once

#include "change_scoring.h"

#include <array>
#include <cstdint>
#include <vector>

namespace redline {

/// @brief What a patch's pixels add up to.
struct PatchStats
{
    std::int64_t pixels = 0;
    std::int64_t strong = 0; ///< pixels scoring ≥ 1
    double area_m2 = 0;      ///< Σ ellipsoidal cell areas
    double ndvi_before = 0, ndvi_after = 0, water_before = 0, water_after = 0, bare_before = 0, bare_after = 0;
    double score = 0;
    std::array<std::int64_t, change_type_count> votes{};
    int row_min = 1 << 30, row_max = -1, col_min = 1 << 30, col_max = -1;

    void merge(const PatchStats& o);
    /// Means are sums until finish(): divide by pixels.
    double mean(double sum) const { return pixels ? sum / double(pixels) : 0.0; }
    ChangeType type() const;
};

/// @brief The attributes of one row of pixels, for the patch statistics.
struct PixelRow
{
    const std::uint8_t* level = nullptr; ///< 0 unchanged, 1 weak (≥ hysteresis), 2 strong (≥ 1)
    const std::uint8_t* type = nullptr;
    const float* score = nullptr;
    const float *ndvi_before = nullptr, *ndvi_after = nullptr, *water_before = nullptr, *water_after = nullptr,
                *bare_before = nullptr, *bare_after = nullptr;
    const double* cell_area = nullptr;
};

/// @brief Connected-component labelling of changed pixels, one row at a time (8-connected).
///
/// Memory holds two rows of labels and the statistics of each provisional label, never the
/// image: rows stream through in order. Labels that turn out to touch are merged by union-find;
/// finish() adds each component's statistics up under its root label.
class PatchLabeler
{
public:
    explicit PatchLabeler(int cols);

    /// Labels row @p row (rows must come in order) and returns its provisional labels (0: none).
    const std::vector<std::int32_t>& add_row(int row, const PixelRow& pixels);

    /// The root of a provisional label (valid after finish()).
    std::int32_t root(std::int32_t label);

    /// Merges the statistics into the roots; returns (root label, stats) for every component.
    std::vector<std::pair<std::int32_t, PatchStats>> finish();

    std::size_t provisional_labels() const { return m_stats.size() - 1; }

private:
    std::int32_t find(std::int32_t label);
    void join(std::int32_t a, std::int32_t b);

    int m_cols;
    std::vector<std::int32_t> m_previous, m_current;
    std::vector<std::int32_t> m_parent;
    std::vector<PatchStats> m_stats;
};

} // namespace redline
