#pragma once

#include "geos_context.h"

#include <vector>

namespace redline {

/// True when the boundaries of @p parts add up, segment for segment, to the boundary of
/// @p whole: every segment of a part's boundary (each ring walked with the polygon's interior on
/// its left) is met by the same segment, its end points equal to the bit, walked the other way
/// in a neighbouring part, or the same way in the whole's boundary, and every segment of the
/// whole's boundary by one of a part. All must be valid polygons or multipolygons.
///
/// Then the parts tile the whole exactly: no point of positive area lies in two parts, in none
/// inside the whole, or in a part outside it. (The parts' boundaries less the whole's form a
/// chain with no segment left, and a point's winding number about a chain is the sum of its
/// winding numbers about each term: the number of parts that hold the point, less one if the
/// whole holds it, is zero everywhere but on the boundaries.)
///
/// This is what layers cut from one topology look like (townships and the district they make
/// up), and the test costs a sort of the segments, where GEOS's relate tests on every pair of
/// neighbours cost a hundred times more. False says nothing either way: parts whose shared
/// edges carry different vertices, or that truly overlap, need the geometric tests.
bool edges_match(const GeosContext& ctx, const std::vector<const GEOSGeometry*>& parts, const GEOSGeometry* whole);

} // namespace redline
