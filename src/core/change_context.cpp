#include "change_context.h"

#include <algorithm>
#include <cmath>
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

/// Median of @p v (reordered); for an even count, the lower of the two middle values, so that the
/// result is one of the values and the same on every platform.
float median_of(std::vector<float>& v)
{
    const std::size_t mid = (v.size() - 1) / 2;
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(mid), v.end());
    return v[mid];
}

} // namespace

Window context_window(const Window& target)
{
    // Interpolated blocks for the target and the one-cell ring its 3 × 3 mean reads; their 3 × 3
    // block medians; one cell more for those blocks' departures.
    const int bc0 = block_before(target.col0 - 1) - 1, bc1 = block_before(target.col_end()) + 2;
    const int br0 = block_before(target.row0 - 1) - 1, br1 = block_before(target.row_end()) + 2;
    return Window{ bc0 * context_block - 1, br0 * context_block - 1, (bc1 - bc0 + 1) * context_block + 2,
                   (br1 - br0 + 1) * context_block + 2 };
}

void context_magnitude(const IndexWindow& w, int row0, int col0, const Window& target, std::vector<float>& out)
{
    out.assign(target.size(), 0.0f);
    if (target.empty())
        return;
    const Window need = context_window(target);
    if (need.col0 < col0 || need.row0 < row0 || need.col_end() > col0 + w.cols || need.row_end() > row0 + w.rows)
        throw std::logic_error("context_magnitude: the window does not hold the context of its target");
    const std::size_t bands = w.bands_before.size();
    auto at = [&](int row, int col) { return std::size_t(row - row0) * w.cols + std::size_t(col - col0); };
    // Each stratum's median difference and reciprocal spread, by band.
    auto bias = [&](std::size_t i, std::size_t k) {
        const std::size_t s = w.stratum[i];
        return s < w.band_bias.size() && k < w.band_bias[s].size() ? w.band_bias[s][k] : 0.0f;
    };
    auto sigma = [&](std::size_t i, std::size_t k) {
        const std::size_t s = w.stratum[i];
        const float v = s < w.band_sigma.size() && k < w.band_sigma[s].size() ? w.band_sigma[s][k] : 0.0f;
        return v > 0.0f ? v : 1.0f;
    };

    // 1. Block medians of each band's difference between the dates (less its stratum's median, in
    // its stratum's spread), over the blocks of the needed window (less its one-cell ring).
    const int bc0 = (need.col0 + 1) / context_block, br0 = (need.row0 + 1) / context_block;
    const int bcols = (need.cols - 2) / context_block, brows = (need.rows - 2) / context_block;
    const std::size_t nblocks = std::size_t(bcols) * std::size_t(brows);
    thread_local std::vector<float> median, background, values;
    thread_local std::vector<std::uint8_t> known, known_background;
    thread_local std::vector<std::size_t> cells;
    median.assign(nblocks * bands, 0.0f);
    known.assign(nblocks, 0);
    const int min_valid = context_block * context_block / 4;
    for (int by = 0; by < brows; ++by)
        for (int bx = 0; bx < bcols; ++bx) {
            cells.clear();
            const int r0 = (br0 + by) * context_block, c0 = (bc0 + bx) * context_block;
            for (int r = r0; r < r0 + context_block; ++r)
                for (int c = c0; c < c0 + context_block; ++c)
                    if (w.valid[at(r, c)])
                        cells.push_back(at(r, c));
            if (int(cells.size()) < min_valid)
                continue;
            const std::size_t b = std::size_t(by) * bcols + std::size_t(bx);
            known[b] = 1;
            for (std::size_t k = 0; k < bands; ++k) {
                values.clear();
                for (std::size_t i : cells)
                    values.push_back((w.bands_after[k][i] - bias(i, k) - w.bands_before[k][i]) / sigma(i, k));
                median[b * bands + k] = median_of(values);
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
                        if (known[n])
                            values.push_back(median[n * bands + k]);
                    }
                if (values.empty())
                    break;
                known_background[b] = 1;
                background[b * bands + k] = median_of(values);
            }
        }

    // 3. Each cell of the target and its ring: the departure of its after value, less the
    // interpolated background, from the range of its before 3 × 3 neighbourhood; root mean square
    // over the bands.
    const Window ring{ target.col0 - 1, target.row0 - 1, target.cols + 2, target.rows + 2 };
    thread_local std::vector<float> magnitude, weight;
    magnitude.assign(ring.size(), 0.0f);
    weight.assign(ring.size(), 0.0f);
    std::vector<float> bg(bands);
    const float half = 0.5f * float(context_block - 1);
    for (int r = ring.row0; r < ring.row_end(); ++r) {
        const int by = block_before(r);
        const float fy = (float(r) - (float(by * context_block) + half)) / float(context_block);
        for (int c = ring.col0; c < ring.col_end(); ++c) {
            const std::size_t i = at(r, c);
            if (!w.valid[i])
                continue;
            const int bx = block_before(c);
            const float fx = (float(c) - (float(bx * context_block) + half)) / float(context_block);
            std::fill(bg.begin(), bg.end(), 0.0f);
            float wsum = 0.0f;
            for (int dy = 0; dy <= 1; ++dy)
                for (int dx = 0; dx <= 1; ++dx) {
                    const std::size_t b = std::size_t(by + dy - br0) * bcols + std::size_t(bx + dx - bc0);
                    if (!known_background[b])
                        continue;
                    const float wt = (dy ? fy : 1.0f - fy) * (dx ? fx : 1.0f - fx);
                    wsum += wt;
                    for (std::size_t k = 0; k < bands; ++k)
                        bg[k] += wt * background[b * bands + k];
                }
            float sum = 0.0f;
            for (std::size_t k = 0; k < bands; ++k) {
                const std::vector<float>& before = w.bands_before[k];
                float lo = std::numeric_limits<float>::infinity(), hi = -lo;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        const std::size_t n = at(r + dy, c + dx);
                        if (w.valid[n]) {
                            lo = std::min(lo, before[n]);
                            hi = std::max(hi, before[n]);
                        }
                    }
                const float s = sigma(i, k);
                const float a = w.bands_after[k][i] - bias(i, k) - (wsum > 0.0f ? s * bg[k] / wsum : 0.0f);
                const float d = (a < lo ? a - lo : (a > hi ? a - hi : 0.0f)) / s;
                sum += d * d;
            }
            const std::size_t o = std::size_t(r - ring.row0) * ring.cols + std::size_t(c - ring.col0);
            magnitude[o] = std::sqrt(sum / float(bands));
            weight[o] = 1.0f;
        }
    }
    // 4. The 3 × 3 mean over valid cells, as smoothed_magnitude() takes it.
    for (int r = 0; r < target.rows; ++r)
        for (int c = 0; c < target.cols; ++c) {
            float sum = 0.0f, sw = 0.0f;
            for (int dy = 0; dy < 3; ++dy) {
                const std::size_t o = std::size_t(r + dy) * ring.cols + std::size_t(c);
                sum += (magnitude[o] * weight[o] + magnitude[o + 1] * weight[o + 1]) + magnitude[o + 2] * weight[o + 2];
                sw += (weight[o] + weight[o + 1]) + weight[o + 2];
            }
            out[std::size_t(r) * target.cols + std::size_t(c)] = sw > 0.0f ? sum / sw : 0.0f;
        }
}

} // namespace redline
