#pragma once

#include <algorithm>
#include <limits>

namespace redline {

/// @brief An axis-aligned rectangle; empty when xmin > xmax.
struct Box
{
    double xmin = std::numeric_limits<double>::infinity();
    double ymin = std::numeric_limits<double>::infinity();
    double xmax = -std::numeric_limits<double>::infinity();
    double ymax = -std::numeric_limits<double>::infinity();

    bool empty() const { return !(xmin <= xmax && ymin <= ymax); }
    double width() const { return xmax - xmin; }
    double height() const { return ymax - ymin; }

    void expand(double x, double y)
    {
        xmin = std::min(xmin, x);
        ymin = std::min(ymin, y);
        xmax = std::max(xmax, x);
        ymax = std::max(ymax, y);
    }

    void expand(const Box& other)
    {
        if (other.empty())
            return;
        expand(other.xmin, other.ymin);
        expand(other.xmax, other.ymax);
    }

    bool intersects(const Box& other) const
    {
        return !empty() && !other.empty() && xmin <= other.xmax && other.xmin <= xmax && ymin <= other.ymax &&
               other.ymin <= ymax;
    }
};

} // namespace redline
