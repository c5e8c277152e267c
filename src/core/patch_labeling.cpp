#include "patch_labeling.h"

#include <algorithm>

namespace redline {

void PatchStats::merge(const PatchStats& o)
{
    pixels += o.pixels;
    strong += o.strong;
    area_m2 += o.area_m2;
    ndvi_before += o.ndvi_before;
    ndvi_after += o.ndvi_after;
    water_before += o.water_before;
    water_after += o.water_after;
    bare_before += o.bare_before;
    bare_after += o.bare_after;
    score += o.score;
    for (std::size_t k = 0; k < votes.size(); ++k)
        votes[k] += o.votes[k];
    row_min = std::min(row_min, o.row_min);
    row_max = std::max(row_max, o.row_max);
    col_min = std::min(col_min, o.col_min);
    col_max = std::max(col_max, o.col_max);
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
  , m_previous(std::size_t(cols), 0)
  , m_current(std::size_t(cols), 0)
  , m_parent(1, 0)
  , m_stats(1)
{
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

const std::vector<std::int32_t>& PatchLabeler::add_row(int row, const PixelRow& p)
{
    std::swap(m_previous, m_current);
    for (int c = 0; c < m_cols; ++c) {
        if (!p.level[c]) {
            m_current[std::size_t(c)] = 0;
            continue;
        }
        // 8-connected neighbours already labelled: left, and the three above.
        std::int32_t label = 0;
        const std::int32_t candidates[4] = { c > 0 ? m_current[std::size_t(c - 1)] : 0,
                                             c > 0 ? m_previous[std::size_t(c - 1)] : 0, m_previous[std::size_t(c)],
                                             c + 1 < m_cols ? m_previous[std::size_t(c + 1)] : 0 };
        for (std::int32_t n : candidates) {
            if (!n)
                continue;
            if (!label)
                label = n;
            else if (n != label)
                join(label, n);
        }
        if (!label) {
            label = std::int32_t(m_stats.size());
            m_parent.push_back(label);
            m_stats.emplace_back();
        }
        m_current[std::size_t(c)] = label;
        PatchStats& s = m_stats[std::size_t(label)];
        ++s.pixels;
        s.strong += p.level[c] >= 2;
        s.area_m2 += p.cell_area[c];
        s.ndvi_before += p.ndvi_before[c];
        s.ndvi_after += p.ndvi_after[c];
        s.water_before += p.water_before[c];
        s.water_after += p.water_after[c];
        s.bare_before += p.bare_before[c];
        s.bare_after += p.bare_after[c];
        s.score += p.score[c];
        ++s.votes[p.type[c]];
        s.row_min = std::min(s.row_min, row);
        s.row_max = std::max(s.row_max, row);
        s.col_min = std::min(s.col_min, c);
        s.col_max = std::max(s.col_max, c);
    }
    return m_current;
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
