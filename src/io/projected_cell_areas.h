#pragma once

#include "cell_areas.h"
#include "crs.h"

#include <memory>

namespace redline {

/// @brief The inverse projection that turns a projected raster's cell corners into longitude and
/// latitude on its datum, for make_cell_areas.
///
/// Finding it searches PROJ's database (on a thread's first use, its own connection to the
/// database too: a few milliseconds at the start of each thread of a raster pass); a copy for
/// another thread keeps the operation found, without searching again.
class LonLatTransform
{
public:
    /// Throws InputError when PROJ has no transformation.
    explicit LonLatTransform(const OGRSpatialReference& projected);
    /// The same operation, for another thread (one object is not to be used by two at once).
    LonLatTransform copy() const;
    /// Transforms @p n points in place; false when one cannot be.
    bool transform(int n, double* x, double* y) const;

private:
    LonLatTransform() = default;
    TransformPtr m_transform;
};

/// Ellipsoidal cell areas for a raster grid in @p srs: the closed form per row for a geographic
/// grid; for a projected one, the geodesic area of the cell's corners turned into
/// longitude/latitude at lattice nodes, interpolated in between (LatticeCellAreas), with a copy
/// of @p to_lonlat when given (else one is found here). With @p share_nodes_with (made by this
/// function for the same grid and CRS), the lattice's node areas are shared with it: one
/// thread's node serves them all.
/// The result holds PROJ objects of its own: give each thread its own CellAreas.
std::unique_ptr<CellAreas> make_cell_areas(const Grid& grid, const OGRSpatialReference& srs,
                                           const LonLatTransform* to_lonlat = nullptr,
                                           const CellAreas* share_nodes_with = nullptr);

/// The method the cell areas use, in words, for reports.
std::string cell_area_method(const OGRSpatialReference& srs);

} // namespace redline
