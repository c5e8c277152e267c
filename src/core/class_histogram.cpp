#include "class_histogram.h"

namespace redline {

void ClassHistogram::merge(const ClassHistogram& other)
{
    for (std::size_t i = 0; i < m_small.size(); ++i)
        m_small[i] += other.m_small[i];
    for (const auto& kv : other.m_large)
        m_large[kv.first] += kv.second;
    m_nodata += other.m_nodata;
}

double ClassHistogram::valid_area() const
{
    double total = 0.0;
    for (double a : m_small)
        total += a;
    for (const auto& kv : m_large)
        total += kv.second;
    return total;
}

double ClassHistogram::area_of(std::int64_t value) const
{
    if (value >= 0 && value < 256)
        return m_small[std::size_t(value)];
    const auto it = m_large.find(value);
    return it == m_large.end() ? 0.0 : it->second;
}

std::map<std::int64_t, double> ClassHistogram::classes() const
{
    std::map<std::int64_t, double> out;
    for (std::size_t i = 0; i < m_small.size(); ++i)
        if (m_small[i] != 0.0)
            out[std::int64_t(i)] = m_small[i];
    for (const auto& kv : m_large)
        if (kv.second != 0.0)
            out[kv.first] = kv.second;
    return out;
}

} // namespace redline
