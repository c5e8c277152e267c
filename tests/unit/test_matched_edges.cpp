// Zones whose edges match segment for segment tile their district; anything else is left to the
// geometric tests. Zones are lattice boxes: every vertex on a node of a 0.001° lattice, computed
// one way for all, so shared edges carry the same coordinates to the bit.
#include "matched_edges.h"
#include "test_support.h"
#include "polygon_ops.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace redline;

namespace {

Point node(int i, int j)
{
    return { 108.0 + i * 0.001, 29.0 + j * 0.001 };
}

/// The lattice box [i0, i1] × [j0, j1] as a ring through every node of its edges, counter-clockwise
/// unless @p clockwise; @p skip_west leaves out the nodes of its west edge between the corners.
Ring lattice_ring(int i0, int j0, int i1, int j1, bool clockwise = false, bool skip_west = false, bool hole = false)
{
    Ring r;
    r.hole = hole;
    for (int i = i0; i < i1; ++i)
        r.points.push_back(node(i, j0));
    for (int j = j0; j < j1; ++j)
        r.points.push_back(node(i1, j));
    for (int i = i1; i > i0; --i)
        r.points.push_back(node(i, j1));
    for (int j = j1; j > j0; --j)
        if (!skip_west || j == j1)
            r.points.push_back(node(i0, j));
    r.points.push_back(r.points.front());
    if (clockwise)
        std::reverse(r.points.begin(), r.points.end());
    return r;
}

GeomPtr polygon(const GeosContext& ctx, std::vector<Ring> rings)
{
    return from_rings(ctx, Rings{ std::move(rings) });
}

bool match(const GeosContext& ctx, const std::vector<GeomPtr>& zones, const GeomPtr& district)
{
    return edges_match(ctx, test::pointers(zones), district.get());
}

} // namespace

TEST(MatchedEdges, QuartersMatchTheirDistrictAndTheirUnion)
{
    const GeosContext ctx;
    std::vector<GeomPtr> zones;
    zones.push_back(polygon(ctx, { lattice_ring(0, 0, 50, 50) }));
    zones.push_back(polygon(ctx, { lattice_ring(50, 0, 100, 50) }));
    zones.push_back(polygon(ctx, { lattice_ring(0, 50, 50, 100) }));
    zones.push_back(polygon(ctx, { lattice_ring(50, 50, 100, 100) }));
    EXPECT_TRUE(match(ctx, zones, polygon(ctx, { lattice_ring(0, 0, 100, 100) })));
    EXPECT_TRUE(match(ctx, zones, union_all(ctx, test::pointers(zones))));
}

TEST(MatchedEdges, RingsDrawnEitherWayRound)
{
    const GeosContext ctx;
    std::vector<GeomPtr> zones;
    zones.push_back(polygon(ctx, { lattice_ring(0, 0, 50, 100, true) }));
    zones.push_back(polygon(ctx, { lattice_ring(50, 0, 100, 100) }));
    EXPECT_TRUE(match(ctx, zones, polygon(ctx, { lattice_ring(0, 0, 100, 100, true) })));
}

TEST(MatchedEdges, AnIslandZoneFillsTheHoleOfItsNeighbour)
{
    const GeosContext ctx;
    std::vector<GeomPtr> zones;
    zones.push_back(polygon(ctx, { lattice_ring(0, 0, 100, 100), lattice_ring(40, 40, 60, 60, false, false, true) }));
    zones.push_back(polygon(ctx, { lattice_ring(40, 40, 60, 60, true) }));
    EXPECT_TRUE(match(ctx, zones, polygon(ctx, { lattice_ring(0, 0, 100, 100) })));
    // Without the island the hole is a gap.
    zones.pop_back();
    EXPECT_FALSE(match(ctx, zones, polygon(ctx, { lattice_ring(0, 0, 100, 100) })));
}

TEST(MatchedEdges, OverlapsGapsAndPartsOutsideDoNotMatch)
{
    const GeosContext ctx;
    const GeomPtr district = polygon(ctx, { lattice_ring(0, 0, 100, 100) });
    auto west_east = [&](int east0, int east1) {
        std::vector<GeomPtr> zones;
        zones.push_back(polygon(ctx, { lattice_ring(0, 0, 50, 100) }));
        zones.push_back(polygon(ctx, { lattice_ring(east0, 0, east1, 100) }));
        return zones;
    };
    EXPECT_TRUE(match(ctx, west_east(50, 100), district));
    EXPECT_FALSE(match(ctx, west_east(49, 100), district)); // overlap
    EXPECT_FALSE(match(ctx, west_east(51, 100), district)); // gap
    EXPECT_FALSE(match(ctx, west_east(50, 101), district)); // outside
    EXPECT_FALSE(match(ctx, west_east(49, 99), district));  // shifted: overlap and gap of equal area
}

// Every edge of two full covers cancels against another, yet each point lies in two zones.
TEST(MatchedEdges, TwoCoversOfTheDistrictDoNotMatch)
{
    const GeosContext ctx;
    std::vector<GeomPtr> zones;
    zones.push_back(polygon(ctx, { lattice_ring(0, 0, 50, 100) }));
    zones.push_back(polygon(ctx, { lattice_ring(50, 0, 100, 100) }));
    zones.push_back(polygon(ctx, { lattice_ring(0, 0, 50, 100) }));
    zones.push_back(polygon(ctx, { lattice_ring(50, 0, 100, 100) }));
    EXPECT_FALSE(match(ctx, zones, polygon(ctx, { lattice_ring(0, 0, 100, 100) })));
}

// A shared edge drawn with fewer vertices on one side tiles the district just the same, but its
// segments differ: the test says nothing, and the geometric tests decide (zone_tiling).
TEST(MatchedEdges, ASharedEdgeWithDifferentVerticesDoesNotMatch)
{
    const GeosContext ctx;
    std::vector<GeomPtr> zones;
    zones.push_back(polygon(ctx, { lattice_ring(0, 0, 50, 100) }));
    zones.push_back(polygon(ctx, { lattice_ring(50, 0, 100, 100, false, true) }));
    EXPECT_FALSE(match(ctx, zones, polygon(ctx, { lattice_ring(0, 0, 100, 100) })));
}
