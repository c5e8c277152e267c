#include "patch_labeling.h"

#include <algorithm>

namespace redline {

void PatchStats::merge(const PatchStats& o)
{
    pixels += o.pixels;
    strong += o.strong;
    area_m2.add(o.area_m2);
    ndvi_before.add(o.ndvi_before);
    ndvi_after.add(o.ndvi_after);
    water_before.add(o.water_before);
    water_after.add(o.water_after);
    bare_before.add(o.bare_before);
    bare_after.add(o.bare_after);
    brightness_after.add(o.brightness_after);
    brightness_after_sq.add(o.brightness_after_sq);
    score.add(o.score);
    for (std::size_t k = 0; k < votes.size(); ++k)
        votes[k] += o.votes[k];
    row_min = std::min(row_min, o.row_min);
    row_max = std::max(row_max, o.row_max);
    col_min = std::min(col_min, o.col_min);
    col_max = std::max(col_max, o.col_max);
}

bool PatchStats::operator==(const PatchStats& o) const
{
    return pixels == o.pixels && strong == o.strong && area_m2 == o.area_m2 && ndvi_before == o.ndvi_before &&
           ndvi_after == o.ndvi_after && water_before == o.water_before && water_after == o.water_after &&
           bare_before == o.bare_before && bare_after == o.bare_after && brightness_after == o.brightness_after &&
           brightness_after_sq == o.brightness_after_sq && score == o.score && votes == o.votes &&
           row_min == o.row_min && row_max == o.row_max && col_min == o.col_min && col_max == o.col_max;
}

ChangeType PatchStats::type() const
{
    // The most frequent specific type wins; "other" only when no pixel has one.
    int best = change_other;
    for (int k = 1; k < change_type_count; ++k)
        if (votes[std::size_t(k)] > 0 && (best == change_other || votes[std::size_t(k)] > votes[std::size_t(best)]))
            best = k;
    return ChangeType(best);
}

PatchLabeler::PatchLabeler(int cols)
  : m_cols(cols)
  , m_above(std::size_t(cols), 0)
  , m_parent(1, 0)
  , m_stats(1)
{
}

void PatchLabeler::begin_band(int row0, int rows)
{
    // The last row of the band before becomes the row above (none before the first band).
    if (m_band_rows > 0 && row0 == m_band_row0 + m_band_rows)
        std::copy_n(m_band.begin() + std::ptrdiff_t(m_band_rows - 1) * m_cols, m_cols, m_above.begin());
    else
        std::fill(m_above.begin(), m_above.end(), 0);
    m_band_row0 = row0;
    m_band_rows = rows;
    m_band.assign(std::size_t(rows) * std::size_t(m_cols), 0);
}

const std::int32_t* PatchLabeler::band_row(int row) const
{
    return m_band.data() + std::size_t(row - m_band_row0) * std::size_t(m_cols);
}

void PatchLabeler::add_tile(int col0, int cols, const std::vector<PixelRow>& pixels)
{
    for (int r = 0; r < m_band_rows && r < int(pixels.size()); ++r)
        for (int c = 0; c < cols; ++c)
            label_pixel(m_band_row0 + r, col0 + c, pixels[std::size_t(r)], c);
}

const std::vector<std::int32_t>& PatchLabeler::add_row(int row, const PixelRow& pixels)
{
    begin_band(row, 1);
    add_tile(0, m_cols, { pixels });
    m_row.assign(m_band.begin(), m_band.end());
    return m_row;
}

void PatchLabeler::label_pixel(int row, int col, const PixelRow& p, int i)
{
    const int r = row - m_band_row0;
    std::int32_t* here = m_band.data() + std::size_t(r) * m_cols;
    if (!p.level[i]) {
        here[col] = 0;
        return;
    }
    const std::int32_t* above = r > 0 ? here - m_cols : m_above.data();
    // 8-connected neighbours already labelled: left, and the three above.
    std::int32_t label = 0;
    const std::int32_t candidates[4] = { col > 0 ? here[col - 1] : 0, col > 0 ? above[col - 1] : 0, above[col],
                                         col + 1 < m_cols ? above[col + 1] : 0 };
    for (std::int32_t n : candidates) {
        if (!n)
            continue;
        if (!label)
            label = n;
        else if (n != label)
            join(label, n);
    }
    // The first column of a tile also meets the tile to its left diagonally below: that tile was
    // labelled in full before this one, so its cell (row + 1, col − 1) already has its label.
    if (i == 0 && col > 0 && r + 1 < m_band_rows) {
        const std::int32_t below_left = here[m_cols + col - 1];
        if (below_left) {
            if (!label)
                label = below_left;
            else if (below_left != label)
                join(label, below_left);
        }
    }
    if (!label) {
        label = std::int32_t(m_stats.size());
        m_parent.push_back(label);
        m_stats.emplace_back();
    }
    here[col] = label;
    PatchStats& s = m_stats[std::size_t(label)];
    ++s.pixels;
    s.strong += p.level[i] >= 2;
    s.area_m2.add(p.cell_area[i]);
    s.ndvi_before.add(p.ndvi_before[i]);
    s.ndvi_after.add(p.ndvi_after[i]);
    s.water_before.add(p.water_before[i]);
    s.water_after.add(p.water_after[i]);
    s.bare_before.add(p.bare_before[i]);
    s.bare_after.add(p.bare_after[i]);
    const double brightness = p.brightness_after[i];
    s.brightness_after.add(brightness);
    s.brightness_after_sq.add(brightness * brightness);
    s.score.add(p.score[i]);
    ++s.votes[p.type[i]];
    s.row_min = std::min(s.row_min, row);
    s.row_max = std::max(s.row_max, row);
    s.col_min = std::min(s.col_min, col);
    s.col_max = std::max(s.col_max, col);
}

std::int32_t PatchLabeler::find(std::int32_t label)
{
    while (m_parent[std::size_t(label)] != label) {
        m_parent[std::size_t(label)] = m_parent[std::size_t(m_parent[std::size_t(label)])];
        label = m_parent[std::size_t(label)];
    }
    return label;
}

void PatchLabeler::join(std::int32_t a, std::int32_t b)
{
    a = find(a);
    b = find(b);
    if (a != b)
        m_parent[std::size_t(std::max(a, b))] = std::min(a, b);
}

std::int32_t PatchLabeler::root(std::int32_t label)
{
    return label > 0 && std::size_t(label) < m_parent.size() ? find(label) : 0;
}

std::vector<std::pair<std::int32_t, PatchStats>> PatchLabeler::finish()
{
    for (std::size_t l = 1; l < m_stats.size(); ++l) {
        const std::int32_t r = find(std::int32_t(l));
        if (std::size_t(r) != l) {
            m_stats[std::size_t(r)].merge(m_stats[l]);
            m_stats[l] = PatchStats{};
        }
    }
    std::vector<std::pair<std::int32_t, PatchStats>> out;
    for (std::size_t l = 1; l < m_stats.size(); ++l)
        if (find(std::int32_t(l)) == std::int32_t(l))
            out.emplace_back(std::int32_t(l), m_stats[l]);
    return out;
}

} // namespace redline
