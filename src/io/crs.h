#pragma once

#include "ellipsoid.h"

#include <ogr_spatialref.h>

#include <memory>
#include <string>

class OGRGeometry;
class OGRCoordinateTransformation;

namespace redline {

/// @brief Releases an OGRSpatialReference (reference counted by GDAL).
struct SrsDeleter
{
    void operator()(OGRSpatialReference* srs) const
    {
        if (srs)
            srs->Release();
    }
};
using SrsPtr = std::unique_ptr<OGRSpatialReference, SrsDeleter>;

/// @brief Destroys an OGRCoordinateTransformation.
struct TransformDeleter
{
    void operator()(OGRCoordinateTransformation* ct) const;
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

/// A copy of @p srs with the traditional GIS axis order (x = easting/longitude).
SrsPtr clone_srs(const OGRSpatialReference& srs);

/// A CRS from "EPSG:4545", a WKT, a PROJ string or anything OGRSpatialReference::SetFromUserInput takes.
SrsPtr srs_from_user_input(const std::string& text, const std::string& option);

/// @brief What a report says of a CRS.
struct CrsDescription
{
    std::string name;      ///< e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 108E"
    std::string authority; ///< e.g. "EPSG:4545", empty when unknown
    bool geographic = false;
    bool web_mercator = false;
    std::string ellipsoid;
};

CrsDescription describe(const OGRSpatialReference& srs);

/// "EPSG:4545 (CGCS2000 / 3-degree Gauss-Kruger CM 108E)" or the name alone.
std::string label(const OGRSpatialReference& srs);

/// The ellipsoid of the CRS's datum.
Ellipsoid ellipsoid_of(const OGRSpatialReference& srs);

/// The geographic (longitude/latitude) CRS on the datum of @p srs: the CRS redline measures in.
SrsPtr geographic_of(const OGRSpatialReference& srs);

/// True when both CRSs are the same (ignoring axis-order metadata).
bool same_crs(const OGRSpatialReference& a, const OGRSpatialReference& b);

/// @brief Moves geometries from one CRS to another, densifying straight edges first.
///
/// A straight edge of a projected layer is a curve on the ellipsoid; cutting it into pieces of at
/// most @p max_segment (in the source CRS's units) before the transformation keeps the curve,
/// so the measured area is that of the polygon as drawn. 100 m keeps the error below 1e-7.
class Reprojection
{
public:
    Reprojection(const OGRSpatialReference& from, const OGRSpatialReference& to, double max_segment,
                 const std::string& what);
    /// Densifies and transforms in place; false when a point cannot be transformed.
    bool apply(OGRGeometry& geometry) const;
    /// The same transformation for another thread (one object is not to be used by two at once).
    Reprojection copy() const;
    bool identity() const { return !m_transform; }

private:
    Reprojection() = default;
    TransformPtr m_transform;
    double m_max_segment = 0;
};

/// Densification step (in the CRS's own units) that keeps projected edges faithful: 100 m for
/// projected CRSs, 0 for geographic ones (their edges are geodesics, densified along the geodesic
/// by densify_geodesic() instead).
double densify_step_for(const OGRSpatialReference& srs);

} // namespace redline
