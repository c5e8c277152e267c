#include "class_area_totals.h"

namespace redline {

void ClassAreaTotals::add(const ClassHistogram& window)
{
    for (const auto& kv : window.classes())
        m_classes[kv.first].add(kv.second);
    m_nodata.add(window.nodata_area());
}

void ClassAreaTotals::add(const ClassAreaTotals& other)
{
    for (const auto& kv : other.m_classes)
        m_classes[kv.first].add(kv.second);
    m_nodata.add(other.m_nodata);
}

double ClassAreaTotals::valid_area() const
{
    ExactSum total;
    for (const auto& kv : m_classes)
        total.add(kv.second);
    return total.value();
}

double ClassAreaTotals::area_of(std::int64_t value) const
{
    const auto it = m_classes.find(value);
    return it == m_classes.end() ? 0.0 : it->second.value();
}

std::map<std::int64_t, double> ClassAreaTotals::classes() const
{
    std::map<std::int64_t, double> out;
    for (const auto& kv : m_classes)
        if (!kv.second.is_zero())
            out[kv.first] = kv.second.value();
    return out;
}

} // namespace redline
