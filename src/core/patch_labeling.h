#pragma once

#include "change_scoring.h"
#include "exact_sum.h"

#include <array>
#include <cstdint>
#include <vector>

namespace redline {

/// @brief What a patch's pixels add up to.
///
/// Sums are exact (ExactSum): a patch cut by the edge between two shards of a cluster run and
/// joined again has the statistics, to the last bit, of the patch labelled in one piece.
struct PatchStats
{
    std::int64_t pixels = 0;
    std::int64_t strong = 0; ///< pixels scoring ≥ 1
    ExactSum area_m2;        ///< Σ ellipsoidal cell areas
    ExactSum ndvi_before, ndvi_after, water_before, water_after, bare_before, bare_after;
    /// The after date's mean reflectance of blue, green, red and nir, and its square: how alike
    /// the patch's cells became (a field harvested as a whole is uniform).
    ExactSum brightness_after, brightness_after_sq;
    ExactSum score;
    std::array<std::int64_t, change_type_count> votes{};
    int row_min = 1 << 30, row_max = -1, col_min = 1 << 30, col_max = -1;

    void merge(const PatchStats& o);
    /// The mean of a per-pixel sum.
    double mean(const ExactSum& sum) const { return pixels ? sum.value() / double(pixels) : 0.0; }
    double area() const { return area_m2.value(); }
    ChangeType type() const;
    bool operator==(const PatchStats& o) const;
};

/// @brief The attributes of one row of pixels, for the patch statistics.
struct PixelRow
{
    const std::uint8_t* level = nullptr; ///< 0 unchanged, 1 weak (≥ hysteresis), 2 strong (≥ 1)
    const std::uint8_t* type = nullptr;
    const float* score = nullptr;
    const float *ndvi_before = nullptr, *ndvi_after = nullptr, *water_before = nullptr, *water_after = nullptr,
                *bare_before = nullptr, *bare_after = nullptr, *brightness_after = nullptr;
    const double* cell_area = nullptr;
};

/// @brief Connected-component labelling of changed pixels (8-connected), tile by tile.
///
/// The image streams through as bands of rows, each band as tiles from left to right: memory holds
/// the labels of one band and of the row above it (a few bytes per column), plus the statistics of
/// each provisional label — never the image. Labels that turn out to touch are merged by
/// union-find; finish() adds each component's statistics up under its root label.
class PatchLabeler
{
public:
    explicit PatchLabeler(int cols);

    /// Starts the band of rows [row0, row0 + rows); bands must follow each other from the top.
    void begin_band(int row0, int rows);
    /// Labels the tile of the current band with columns [col0, col0 + cols); tiles of a band must
    /// come from left to right. @p pixels gives each row of the tile (rows of the band, in order).
    void add_tile(int col0, int cols, const std::vector<PixelRow>& pixels);
    /// The provisional labels of row @p row of the current band (full width; 0: none).
    const std::int32_t* band_row(int row) const;

    /// Labels a whole row: a band of one row with one tile (for callers that stream rows).
    const std::vector<std::int32_t>& add_row(int row, const PixelRow& pixels);

    /// The root of a provisional label (valid after finish()).
    std::int32_t root(std::int32_t label);

    /// Merges the statistics into the roots; returns (root label, stats) for every component.
    std::vector<std::pair<std::int32_t, PatchStats>> finish();

    std::size_t provisional_labels() const { return m_stats.size() - 1; }

private:
    std::int32_t find(std::int32_t label);
    void join(std::int32_t a, std::int32_t b);

    void label_pixel(int row, int col, const PixelRow& p, int c_in_tile);

    int m_cols;
    int m_band_row0 = 0, m_band_rows = 0;
    std::vector<std::int32_t> m_above; ///< labels of the row above the band
    std::vector<std::int32_t> m_band;  ///< labels of the band, row-major, full width
    std::vector<std::int32_t> m_row;   ///< add_row()'s copy
    std::vector<std::int32_t> m_parent;
    std::vector<PatchStats> m_stats;
};

} // namespace redline
