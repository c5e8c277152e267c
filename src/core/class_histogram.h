#pragma once

#include <array>
#include <cstdint>
#include <map>

namespace redline {

/// @brief Area (m²) per class value, plus the area of nodata cells, for one zone.
///
/// Class values 0..255 (every byte raster, most land-cover products) go to a flat array; other
/// values to a map. Sums are kept in double; merging in a fixed order keeps results identical
/// whatever the number of threads.
class ClassHistogram
{
public:
    void add(std::int64_t value, double area)
    {
        if (value >= 0 && value < 256)
            m_small[std::size_t(value)] += area;
        else
            m_large[value] += area;
    }
    void add_nodata(double area) { m_nodata += area; }

    void merge(const ClassHistogram& other);

    /// Area of cells with a value (nodata excluded).
    double valid_area() const;
    double nodata_area() const { return m_nodata; }
    double area_of(std::int64_t value) const;

    /// Classes with a non-zero area, in increasing value order.
    std::map<std::int64_t, double> classes() const;

private:
    std::array<double, 256> m_small{};
    std::map<std::int64_t, double> m_large;
    double m_nodata = 0.0;
};

} // namespace redline
