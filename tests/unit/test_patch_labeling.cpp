// Row-streaming labelling against an independent flood fill of the whole image.
#include "patch_labeling.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>

using namespace redline;

namespace {

/// Components by recursive flood fill (8-connected): the sizes, sorted.
std::vector<std::int64_t> flood_fill_sizes(const std::vector<std::uint8_t>& level, int rows, int cols)
{
    std::vector<int> seen(level.size(), 0);
    std::vector<std::int64_t> sizes;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            if (!level[std::size_t(r) * cols + c] || seen[std::size_t(r) * cols + c])
                continue;
            std::int64_t size = 0;
            std::vector<std::pair<int, int>> stack{ { r, c } };
            seen[std::size_t(r) * cols + c] = 1;
            while (!stack.empty()) {
                auto [y, x] = stack.back();
                stack.pop_back();
                ++size;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        const int yy = y + dy, xx = x + dx;
                        if (yy < 0 || xx < 0 || yy >= rows || xx >= cols)
                            continue;
                        const std::size_t i = std::size_t(yy) * cols + xx;
                        if (level[i] && !seen[i]) {
                            seen[i] = 1;
                            stack.push_back({ yy, xx });
                        }
                    }
            }
            sizes.push_back(size);
        }
    std::sort(sizes.begin(), sizes.end());
    return sizes;
}

std::vector<std::int64_t> labeller_sizes(const std::vector<std::uint8_t>& level, int rows, int cols)
{
    PatchLabeler labeler(cols);
    std::vector<std::uint8_t> type(std::size_t(cols), 0);
    std::vector<float> zero(std::size_t(cols), 0.0f);
    std::vector<double> area(std::size_t(cols), 1.0);
    for (int r = 0; r < rows; ++r) {
        PixelRow row;
        row.level = level.data() + std::size_t(r) * cols;
        row.type = type.data();
        row.score = row.ndvi_before = row.ndvi_after = row.water_before = row.water_after = row.bare_before =
          row.bare_after = row.brightness_after = zero.data();
        row.cell_area = area.data();
        labeler.add_row(r, row);
    }
    std::vector<std::int64_t> sizes;
    for (const auto& c : labeler.finish())
        sizes.push_back(c.second.pixels);
    std::sort(sizes.begin(), sizes.end());
    return sizes;
}

} // namespace

TEST(PatchLabeler, UShapesAndDiagonalsMergeLikeAFloodFill)
{
    // A "U" (two arms that meet only at the bottom), a diagonal chain, and an isolated cell.
    const int rows = 6, cols = 8;
    const char* pattern[] = { "1.1...1.", //
                              "1.1..1..", //
                              "1.1.1...", //
                              "111.....", //
                              "........", //
                              ".....1.." };
    std::vector<std::uint8_t> level;
    for (const char* line : pattern)
        for (int c = 0; c < cols; ++c)
            level.push_back(line[c] == '1' ? 1 : 0);
    EXPECT_EQ(labeller_sizes(level, rows, cols), (std::vector<std::int64_t>{ 1, 3, 9 }));
    EXPECT_EQ(labeller_sizes(level, rows, cols), flood_fill_sizes(level, rows, cols));
}

/// The same image labelled as bands of @p band_rows rows and tiles of @p tile_cols columns.
std::vector<std::int64_t> tiled_sizes(const std::vector<std::uint8_t>& level, int rows, int cols, int band_rows,
                                      int tile_cols)
{
    PatchLabeler labeler(cols);
    std::vector<std::uint8_t> type(std::size_t(cols), 0);
    std::vector<float> zero(std::size_t(cols), 0.0f);
    std::vector<double> area(std::size_t(cols), 1.0);
    for (int r0 = 0; r0 < rows; r0 += band_rows) {
        const int n = std::min(band_rows, rows - r0);
        labeler.begin_band(r0, n);
        for (int c0 = 0; c0 < cols; c0 += tile_cols) {
            std::vector<PixelRow> tile;
            tile.resize(std::size_t(n));
            for (int r = 0; r < n; ++r) {
                PixelRow& row = tile[std::size_t(r)];
                row.level = level.data() + std::size_t(r0 + r) * cols + c0;
                row.type = type.data();
                row.score = row.ndvi_before = row.ndvi_after = row.water_before = row.water_after = row.bare_before =
                  row.bare_after = row.brightness_after = zero.data();
                row.cell_area = area.data();
            }
            labeler.add_tile(c0, std::min(tile_cols, cols - c0), tile);
        }
    }
    std::vector<std::int64_t> sizes;
    for (const auto& c : labeler.finish())
        sizes.push_back(c.second.pixels);
    std::sort(sizes.begin(), sizes.end());
    return sizes;
}

TEST(PatchLabeler, TilesAndBandsGiveTheSameComponentsAsAFloodFill)
{
    std::mt19937 rng(9);
    for (int trial = 0; trial < 30; ++trial) {
        const int rows = 31 + trial, cols = 45;
        std::bernoulli_distribution on(0.25 + 0.02 * (trial % 10));
        std::vector<std::uint8_t> level(std::size_t(rows) * cols);
        for (auto& v : level)
            v = on(rng) ? 1 : 0;
        const auto expected = flood_fill_sizes(level, rows, cols);
        for (const auto& shape : { std::make_pair(1, 45), std::make_pair(7, 8), std::make_pair(16, 1), std::make_pair(5, 13) })
            ASSERT_EQ(tiled_sizes(level, rows, cols, shape.first, shape.second), expected)
              << "trial " << trial << " band " << shape.first << " tile " << shape.second;
    }
}

TEST(PatchLabeler, RandomImagesAgreeWithAFloodFill)
{
    std::mt19937 rng(5);
    for (int trial = 0; trial < 30; ++trial) {
        const int rows = 20 + trial, cols = 37;
        std::bernoulli_distribution on(0.2 + 0.02 * (trial % 10));
        std::vector<std::uint8_t> level(std::size_t(rows) * cols);
        for (auto& v : level)
            v = on(rng) ? 1 + (rng() % 2) : 0;
        ASSERT_EQ(labeller_sizes(level, rows, cols), flood_fill_sizes(level, rows, cols)) << "trial " << trial;
    }
}
