#pragma once

#include "class_histogram.h"
#include "exact_sum.h"

#include <cstdint>
#include <map>

namespace redline {

/// @brief Area per class value and of nodata cells, summed exactly over any number of windows.
///
/// A window's ClassHistogram is summed in double, cell by cell, always in the same order; adding
/// windows up here is exact (ExactSum), so a unit's class areas do not depend on how windows were
/// grouped: by thread, or by shard of a cluster run (see plan.h).
class ClassAreaTotals
{
public:
    /// Adds one window's histogram (each of its sums rounded once to ExactSum's grid).
    void add(const ClassHistogram& window);
    void add(const ClassAreaTotals& other);
    void add_exact(std::int64_t value, const ExactSum& area) { m_classes[value].add(area); }
    void add_exact_nodata(const ExactSum& area) { m_nodata.add(area); }

    /// Area of cells with a value (nodata excluded).
    double valid_area() const;
    double nodata_area() const { return m_nodata.value(); }
    double area_of(std::int64_t value) const;
    /// Classes with a non-zero area, in increasing value order.
    std::map<std::int64_t, double> classes() const;

    const std::map<std::int64_t, ExactSum>& exact_classes() const { return m_classes; }
    const ExactSum& exact_nodata() const { return m_nodata; }

    bool operator==(const ClassAreaTotals& other) const
    {
        return m_classes == other.m_classes && m_nodata == other.m_nodata;
    }

private:
    std::map<std::int64_t, ExactSum> m_classes;
    ExactSum m_nodata;
};

} // namespace redline
