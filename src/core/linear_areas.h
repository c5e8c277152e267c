#pragma once

namespace redline {

/// @brief Cell areas that are linear along a piece of a grid row, between two lattice nodes of a
/// projected grid (LatticeCellAreas): the cell of column c has the area base + slope × (c − node).
/// Every consumer computes a cell's area with at(), so they all get the same bits.
struct LinearAreas
{
    double base = 0.0;
    double slope = 0.0;
    int node = 0;

    double at(int c) const { return base + slope * double(c - node); }
    /// The sum of the areas of the n cells from column @p first: n × the area at their middle.
    double run(int first, int n) const
    {
        return double(n) * (base + slope * (double(first - node) + 0.5 * double(n - 1)));
    }
};

} // namespace redline
