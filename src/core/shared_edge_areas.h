#pragma once

#include "ellipsoid.h"
#include "rings.h"

#include <geodesic.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace redline {

/// @brief Geodesic areas of polygons that share edges, each edge's part of the area worked out once.
///
/// geod_polygonarea (Karney 2013) sums, over a ring's edges, the area S12 between each edge's
/// geodesic and the equator: one inverse geodesic problem per edge, ~1 µs, the cost of measuring.
/// Zones cut from one topology share every inner edge with a neighbour (walked the other way)
/// and every outer edge with the district they make up: of a district's 22,500 edges and its
/// townships', half are repeats. An edge's S12 depends on its two end points alone, and walking
/// it the other way negates it exactly (the inverse problem is solved for the points in a
/// canonical order and signed after); so each distinct edge is solved once, in a fixed direction,
/// by whichever polygon needs it first, and negated where it is walked the other way.
///
/// The areas are geodesic_area()'s, to the bit: the edges' S12 are added in the ring's order with
/// the same error-free accumulator, prime-meridian crossings counted and the sum reduced as
/// geod_polygon_compute does (PROJ 9.1's geodesic.c, GeographicLib 2.0); tests compare the two.
///
/// add() polygons first, from one thread; then area() may be called from any number of threads
/// at once (a thread that finds an edge not yet solved solves it: two at once write the same bits).
///
/// The table holds ~50 bytes an edge; it takes polygons up to @p max_edges edges in all (by
/// default 262,144, ~13 MB: a district and its townships hold ~20,000), and refuses the rest,
/// which the caller measures alone, so that memory stays bounded whatever the layers.
class SharedEdgeAreas
{
public:
    explicit SharedEdgeAreas(const Ellipsoid& ellipsoid, std::size_t max_edges = std::size_t(1) << 18);

    /// Adds a polygon (rings in longitude/latitude degrees, as geodesic_area() takes them) and
    /// returns its number for area(); nothing when its edges would take the table past its
    /// capacity (measure it with geodesic_area()). Not while area() runs.
    std::optional<std::size_t> add(const Rings& lonlat);
    /// The geodesic area (m²) of polygon @p polygon: geodesic_area() of its rings.
    double area(std::size_t polygon) const;
    /// Distinct edges met so far (what area() solves at most once each).
    std::size_t distinct_edges() const { return m_solved.size(); }

private:
    /// An edge's end points in their canonical order (the lesser longitude, then latitude, first).
    struct Key
    {
        double lon0, lat0, lon1, lat1;
        bool operator==(const Key& o) const
        {
            return lon0 == o.lon0 && lat0 == o.lat0 && lon1 == o.lon1 && lat1 == o.lat1;
        }
    };
    /// An edge as a ring walks it: its distinct edge, whether walked against the canonical
    /// order, and its prime-meridian crossing (+1 eastward, -1 westward, 0).
    struct Step
    {
        std::uint32_t edge;
        bool reversed;
        std::int8_t crossing;
    };
    struct Ring
    {
        std::size_t first, count; ///< its steps in m_steps, closing edge last
        bool hole;
    };
    struct Polygon
    {
        std::size_t first, count; ///< its rings in m_rings
    };

    std::uint32_t edge_of(const Key& key);
    double solved(std::uint32_t edge) const;
    double ring_area(const Ring& ring) const;

    geod_geodesic m_geodesic;
    std::size_t m_max_edges;
    std::vector<Polygon> m_polygons;
    std::vector<Ring> m_rings;
    std::vector<Step> m_steps;
    std::vector<Key> m_keys;                      ///< by distinct edge
    mutable std::deque<std::atomic<double>> m_solved; ///< S12 in the canonical order, NaN until solved
    std::vector<std::uint32_t> m_table;           ///< open addressing: distinct edge + 1, 0 empty
};

} // namespace redline
