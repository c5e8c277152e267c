#pragma once

#include "box.h"

#include <vector>

namespace redline {

struct Point
{
    double x;
    double y;
};

/// @brief One closed ring (first point repeated last, or not: both are accepted) and its role.
struct Ring
{
    std::vector<Point> points;
    bool hole = false;
};

/// @brief The rings of a (multi)polygon, flattened: shells and holes of every part.
///
/// Whatever orientation the rings have on input, consumers derive it from the coordinates
/// (never from the file) and use the `hole` flag only.
struct Rings
{
    std::vector<Ring> rings;

    Box bounds() const
    {
        Box b;
        for (const auto& ring : rings)
            for (const auto& p : ring.points)
                b.expand(p.x, p.y);
        return b;
    }

    bool empty() const { return rings.empty(); }
};

/// Twice the signed planar area of a ring (shoelace; positive when counter-clockwise in a y-up frame).
double ring_twice_signed_area(const std::vector<Point>& points);

/// Planar area of a polygon given as rings: shells add, holes subtract, orientation ignored.
double planar_area(const Rings& rings);

} // namespace redline
