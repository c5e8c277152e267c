#include "change_context.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace redline {

namespace {

/// floor(a / b) for b > 0, for negative a too.
int floor_div(int a, int b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// The block whose centre is at or before cell @p x (the first of the two interpolated between).
int block_before(int x)
{
    // Block b's centre is at cell b × B + (B − 1) / 2; the block before x is floor((x − (B − 1)/2) / B).
    return floor_div(2 * x - (context_block - 1), 2 * context_block);
}

/// Puts the smaller of @p a and @p b in @p a, the larger in @p b, without a branch.
inline void compare_exchange(float& a, float& b)
{
    const float lo = std::min(a, b), hi = std::max(a, b);
    a = lo;
    b = hi;
}

/// The 8th smallest of 16 values (reordered): Batcher's odd-even merge sort network for 16
/// inputs, less the 10 comparators that cannot reach position 7 (53 remain).
float lower_median_of_16(float* x)
{
    static constexpr std::uint8_t pairs[53][2] = {
        { 0, 1 },   { 2, 3 },   { 0, 2 },   { 1, 3 },   { 1, 2 },   { 4, 5 },   { 6, 7 },   { 4, 6 },
        { 5, 7 },   { 5, 6 },   { 0, 4 },   { 2, 6 },   { 2, 4 },   { 1, 5 },   { 3, 7 },   { 3, 5 },
        { 1, 2 },   { 3, 4 },   { 5, 6 },   { 8, 9 },   { 10, 11 }, { 8, 10 },  { 9, 11 },  { 9, 10 },
        { 12, 13 }, { 14, 15 }, { 12, 14 }, { 13, 15 }, { 13, 14 }, { 8, 12 },  { 10, 14 }, { 10, 12 },
        { 9, 13 },  { 11, 15 }, { 11, 13 }, { 9, 10 },  { 11, 12 }, { 13, 14 }, { 0, 8 },   { 4, 12 },
        { 4, 8 },   { 2, 10 },  { 6, 14 },  { 6, 10 },  { 6, 8 },   { 1, 9 },   { 5, 13 },  { 5, 9 },
        { 3, 11 },  { 7, 15 },  { 7, 11 },  { 7, 9 },   { 7, 8 }
    };
    for (const auto& p : pairs)
        compare_exchange(x[p[0]], x[p[1]]);
    return x[7];
}

/// The median of 9 values (reordered): the 19-comparator network of Paeth (Graphics Gems, 1990).
float median_of_9(float* p)
{
    static constexpr std::uint8_t pairs[19][2] = { { 1, 2 }, { 4, 5 }, { 7, 8 }, { 0, 1 }, { 3, 4 },
                                                   { 6, 7 }, { 1, 2 }, { 4, 5 }, { 7, 8 }, { 0, 3 },
                                                   { 5, 8 }, { 4, 7 }, { 3, 6 }, { 1, 4 }, { 2, 5 },
                                                   { 4, 7 }, { 4, 2 }, { 6, 4 }, { 4, 2 } };
    for (const auto& q : pairs)
        compare_exchange(p[q[0]], p[q[1]]);
    return p[4];
}

} // namespace

Window context_window(const Window& cells)
{
    // Interpolated blocks for the cells; their 3 × 3 block medians; one cell more for the
    // departures of the cells at the window's edge.
    const int bc0 = block_before(cells.col0) - 1, bc1 = block_before(cells.col_end() - 1) + 2;
    const int br0 = block_before(cells.row0) - 1, br1 = block_before(cells.row_end() - 1) + 2;
    return Window{ bc0 * context_block - 1,
                   br0 * context_block - 1,
                   (bc1 - bc0 + 1) * context_block + 2,
                   (br1 - br0 + 1) * context_block + 2 };
}

// The samples here are at most 16 (a block's) or 9 (a neighbourhood's), nearly always exactly that
// many: those two counts go through sorting networks (no branch to mispredict: perf showed an
// insertion sort's stores as a tenth of a run, and std::nth_element's introselect as more), the
// rest through an insertion sort.
float lower_median(std::vector<float>& v)
{
    float* x = v.data();
    const std::size_t n = v.size();
    if (n == 16) return lower_median_of_16(x);
    if (n == 9) return median_of_9(x);
    for (std::size_t i = 1; i < n; ++i) {
        const float key = x[i];
        std::size_t j = i;
        for (; j > 0 && x[j - 1] > key; --j)
            x[j] = x[j - 1];
        x[j] = key;
    }
    return x[(n - 1) / 2];
}

void context_background(const IndexWindow& w,
                        int row0,
                        int col0,
                        const Window& cells,
                        std::vector<std::vector<float>>& out)
{
    const std::size_t bands = w.bands_before.size();
    out.resize(bands);
    for (auto& o : out)
        o.assign(cells.size(), 0.0f);
    if (cells.empty()) return;
    const Window need = context_window(cells);
    if (need.col0 < col0 || need.row0 < row0 || need.col_end() > col0 + w.cols ||
        need.row_end() > row0 + w.rows)
        throw std::logic_error("context_background: the window does not hold the context of its cells");
    auto at = [&](int row, int col) { return std::size_t(row - row0) * w.cols + std::size_t(col - col0); };

    // 1. Block medians of each band's difference between the dates (less its stratum's median, in
    // its stratum's spread), over the blocks of the needed window (less its one-cell ring).
    const int bc0 = (need.col0 + 1) / context_block, br0 = (need.row0 + 1) / context_block;
    const int bcols = (need.cols - 2) / context_block, brows = (need.rows - 2) / context_block;
    const std::size_t nblocks = std::size_t(bcols) * std::size_t(brows);
    thread_local std::vector<float> median, background, values;
    thread_local std::vector<std::uint8_t> known, known_background;
    thread_local std::vector<std::size_t> cells_of_block;
    median.assign(nblocks * bands, 0.0f);
    known.assign(nblocks, 0);
    // The median of a block is taken over every other cell of every other row (a fixed quarter of
    // its cells): as robust, and four times cheaper (perf: the medians were a fifth of a run).
    const int min_valid = (context_block / 2) * (context_block / 2) / 4;
    // Each stratum's median difference and reciprocal spread, by band.
    std::vector<std::array<float, 256>> bias(bands), inverse(bands);
    for (std::size_t k = 0; k < bands; ++k) {
        bias[k].fill(0.0f);
        inverse[k].fill(1.0f);
        for (std::size_t s = 0; s < w.band_bias.size() && s < 256; ++s)
            bias[k][s] = k < w.band_bias[s].size() ? w.band_bias[s][k] : 0.0f;
        for (std::size_t s = 0; s < w.band_sigma.size() && s < 256; ++s) {
            const float v = k < w.band_sigma[s].size() ? w.band_sigma[s][k] : 0.0f;
            inverse[k][s] = v > 0.0f ? 1.0f / v : 1.0f;
        }
    }
    for (int by = 0; by < brows; ++by)
        for (int bx = 0; bx < bcols; ++bx) {
            cells_of_block.clear();
            const int r0 = (br0 + by) * context_block, c0 = (bc0 + bx) * context_block;
            for (int r = r0; r < r0 + context_block; r += 2) {
                const std::size_t i0 = at(r, c0);
                for (int c = 0; c < context_block; c += 2)
                    if (w.valid[i0 + std::size_t(c)]) cells_of_block.push_back(i0 + std::size_t(c));
            }
            if (int(cells_of_block.size()) < min_valid) continue;
            const std::size_t b = std::size_t(by) * bcols + std::size_t(bx);
            known[b] = 1;
            for (std::size_t k = 0; k < bands; ++k) {
                values.clear();
                const float* after = w.bands_after[k].data();
                const float* before = w.bands_before[k].data();
                for (std::size_t i : cells_of_block) {
                    const std::uint8_t s = w.stratum[i];
                    values.push_back((after[i] - bias[k][s] - before[i]) * inverse[k][s]);
                }
                median[b * bands + k] = lower_median(values);
            }
        }

    // 2. Each inner block's background: the median of the known medians of its 3 × 3 blocks.
    background.assign(nblocks * bands, 0.0f);
    known_background.assign(nblocks, 0);
    for (int by = 1; by + 1 < brows; ++by)
        for (int bx = 1; bx + 1 < bcols; ++bx) {
            const std::size_t b = std::size_t(by) * bcols + std::size_t(bx);
            for (std::size_t k = 0; k < bands; ++k) {
                values.clear();
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        const std::size_t n = std::size_t(by + dy) * bcols + std::size_t(bx + dx);
                        if (known[n]) values.push_back(median[n * bands + k]);
                    }
                if (values.empty()) break;
                known_background[b] = 1;
                background[b * bands + k] = lower_median(values);
            }
        }

    // 3. Each cell's background: bilinear between the four nearest block centres that have one.
    const float half = 0.5f * float(context_block - 1);
    thread_local std::vector<float> wx0, wx1;
    thread_local std::vector<int> bxs;
    wx0.resize(std::size_t(cells.cols));
    wx1.resize(std::size_t(cells.cols));
    bxs.resize(std::size_t(cells.cols));
    for (int c = 0; c < cells.cols; ++c) {
        const int bx = block_before(cells.col0 + c);
        const float fx = (float(cells.col0 + c) - (float(bx * context_block) + half)) / float(context_block);
        bxs[std::size_t(c)] = bx - bc0;
        wx0[std::size_t(c)] = 1.0f - fx;
        wx1[std::size_t(c)] = fx;
    }
    for (int r = 0; r < cells.rows; ++r) {
        const int by = block_before(cells.row0 + r);
        const float fy = (float(cells.row0 + r) - (float(by * context_block) + half)) / float(context_block);
        const std::size_t row_a = std::size_t(by - br0) * bcols, row_b = row_a + std::size_t(bcols);
        for (int c = 0; c < cells.cols; ++c) {
            const std::size_t bx = std::size_t(bxs[std::size_t(c)]);
            const std::size_t blocks[4] = { row_a + bx, row_a + bx + 1, row_b + bx, row_b + bx + 1 };
            const float weights[4] = { (1.0f - fy) * wx0[std::size_t(c)],
                                       (1.0f - fy) * wx1[std::size_t(c)],
                                       fy * wx0[std::size_t(c)],
                                       fy * wx1[std::size_t(c)] };
            float wsum = 0.0f;
            for (int q = 0; q < 4; ++q)
                wsum += known_background[blocks[q]] ? weights[q] : 0.0f;
            if (!(wsum > 0.0f)) continue;
            const std::size_t o = std::size_t(r) * cells.cols + std::size_t(c);
            for (std::size_t k = 0; k < bands; ++k) {
                float v = 0.0f;
                for (int q = 0; q < 4; ++q)
                    v += known_background[blocks[q]] ? weights[q] * background[blocks[q] * bands + k] : 0.0f;
                out[k][o] = v / wsum;
            }
        }
    }
}

} // namespace redline
