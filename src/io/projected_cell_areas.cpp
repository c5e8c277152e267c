#include "projected_cell_areas.h"

#include "error.h"
#include "geodesic_area.h"

#include <ogr_spatialref.h>

#include <cmath>

namespace redline {

LonLatTransform::LonLatTransform(const OGRSpatialReference& projected)
{
    SrsPtr geo = geographic_of(projected);
    SrsPtr src = clone_srs(projected);
    m_transform.reset(OGRCreateCoordinateTransformation(src.get(), geo.get()));
    if (!m_transform)
        throw InputError("no transformation from the raster's CRS " + label(projected) + " to longitude/latitude");
}

LonLatTransform LonLatTransform::copy() const
{
    LonLatTransform out;
    out.m_transform.reset(m_transform->Clone());
    if (!out.m_transform)
        throw Error("could not copy a coordinate transformation for another thread");
    return out;
}

bool LonLatTransform::transform(int n, double* x, double* y) const
{
    return m_transform->Transform(n, x, y);
}

std::unique_ptr<CellAreas> make_cell_areas(const Grid& grid, const OGRSpatialReference& srs,
                                           const LonLatTransform* to_lonlat, const CellAreas* share_nodes_with)
{
    const Ellipsoid ellipsoid = ellipsoid_of(srs);
    if (srs.IsGeographic()) {
        const double to_degrees = srs.GetAngularUnits() / (M_PI / 180.0);
        if (std::abs(to_degrees - 1.0) > 1e-12)
            throw InputError("geographic rasters must be in degrees (this one's angular unit is not)");
        return std::make_unique<GeographicCellAreas>(grid, ellipsoid);
    }
    auto transform = std::make_shared<LonLatTransform>(to_lonlat ? to_lonlat->copy() : LonLatTransform(srs));
    const double hx = grid.dx() / 2, hy = grid.dy() / 2;
    auto measure = std::make_shared<const GeodesicAreas>(ellipsoid);
    auto area_at = [transform, measure, hx, hy](double x, double y) {
        double xs[4] = { x - hx, x + hx, x + hx, x - hx };
        double ys[4] = { y - hy, y - hy, y + hy, y + hy };
        if (!transform->transform(4, xs, ys))
            throw InputError("cannot compute a cell's area: its corners fall outside the raster CRS's domain");
        const Point corners[4] = { { xs[0], ys[0] }, { xs[1], ys[1] }, { xs[2], ys[2] }, { xs[3], ys[3] } };
        return measure->ring(corners, 4);
    };
    if (const auto* lattice = dynamic_cast<const LatticeCellAreas*>(share_nodes_with))
        return std::make_unique<LatticeCellAreas>(*lattice, area_at);
    return std::make_unique<LatticeCellAreas>(grid, area_at);
}

std::string cell_area_method(const OGRSpatialReference& srs)
{
    if (srs.IsGeographic())
        return "closed-form ellipsoidal quadrangle area per row (" + ellipsoid_of(srs).name + ")";
    return "geodesic area of each cell's corners in longitude/latitude (" + ellipsoid_of(srs).name +
           "), computed at lattice nodes ≤ 2 km apart and interpolated bilinearly";
}

} // namespace redline
