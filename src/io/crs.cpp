#include "crs.h"

#include "coordinate_operation.h"
#include "error.h"
#include "gdal_error.h"

#include <ogr_geometry.h>

#include <cstring>

namespace redline {

void TransformDeleter::operator()(OGRCoordinateTransformation* ct) const
{
    OGRCoordinateTransformation::DestroyCT(ct);
}

SrsPtr clone_srs(const OGRSpatialReference& srs)
{
    SrsPtr out(srs.Clone());
    out->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return out;
}

SrsPtr srs_from_user_input(const std::string& text, const std::string& option)
{
    CplErrorCapture capture;
    SrsPtr srs(new OGRSpatialReference());
    if (srs->SetFromUserInput(text.c_str()) != OGRERR_NONE)
        throw InputError(option + ": '" + text + "' is not a CRS GDAL knows; write e.g. EPSG:4490" +
                         gdal_says(capture));
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

CrsDescription describe(const OGRSpatialReference& srs)
{
    CrsDescription d;
    const char* name = srs.GetName();
    d.name = name ? name : "unnamed CRS";
    const char* auth_name = srs.GetAuthorityName(nullptr);
    const char* auth_code = srs.GetAuthorityCode(nullptr);
    if (auth_name && auth_code)
        d.authority = std::string(auth_name) + ":" + auth_code;
    d.geographic = srs.IsGeographic();
    const char* method = srs.GetAttrValue("PROJECTION");
    d.web_mercator = d.authority == "EPSG:3857" || d.authority == "EPSG:900913" ||
                     (method && std::strstr(method, "Pseudo_Mercator")) ||
                     (method && std::strstr(method, "Popular_Visualisation"));
    OGRErr err = OGRERR_NONE;
    const char* ellps = srs.GetAttrValue("SPHEROID");
    (void)err;
    d.ellipsoid = ellps ? ellps : "";
    return d;
}

std::string label(const OGRSpatialReference& srs)
{
    const CrsDescription d = describe(srs);
    return d.authority.empty() ? d.name : d.authority + " (" + d.name + ")";
}

Ellipsoid ellipsoid_of(const OGRSpatialReference& srs)
{
    OGRErr err = OGRERR_NONE;
    Ellipsoid e;
    e.a = srs.GetSemiMajor(&err);
    const double inv_f = srs.GetInvFlattening(&err);
    e.f = inv_f > 0 ? 1.0 / inv_f : 0.0;
    const char* name = srs.GetAttrValue("SPHEROID");
    e.name = name ? name : "unnamed ellipsoid";
    return e;
}

SrsPtr geographic_of(const OGRSpatialReference& srs)
{
    SrsPtr geo(srs.CloneGeogCS());
    if (!geo)
        throw InputError("cannot derive a geographic CRS from " + label(srs));
    geo->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return geo;
}

bool same_crs(const OGRSpatialReference& a, const OGRSpatialReference& b)
{
    const char* options[] = { "IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT", nullptr };
    return a.IsSame(&b, options);
}

double densify_step_for(const OGRSpatialReference& srs)
{
    if (srs.IsGeographic())
        return 0.0;
    const double to_metres = srs.GetLinearUnits();
    return to_metres > 0 ? 100.0 / to_metres : 100.0;
}

Reprojection::Reprojection(const OGRSpatialReference& from, const OGRSpatialReference& to, double max_segment,
                           const std::string& what)
  : m_max_segment(max_segment)
{
    if (same_crs(from, to))
        return;
    CplErrorCapture capture;
    SrsPtr src = clone_srs(from);
    SrsPtr dst = clone_srs(to);
    if (const auto pipeline = operation_without_pivot_search(*src, *dst)) {
        OGRCoordinateTransformationOptions options;
        if (options.SetCoordinateOperation(pipeline->c_str(), false))
            m_transform.reset(OGRCreateCoordinateTransformation(src.get(), dst.get(), options));
    }
    if (!m_transform)
        m_transform.reset(OGRCreateCoordinateTransformation(src.get(), dst.get()));
    if (!m_transform)
        throw InputError(what + ": no transformation from " + label(from) + " to " + label(to) + gdal_says(capture));
}

Reprojection Reprojection::copy() const
{
    Reprojection out;
    out.m_max_segment = m_max_segment;
    if (m_transform) {
        // A clone keeps the operation PROJ chose, without searching its database again; GDAL
        // gives the operation the calling thread's PROJ context each time it transforms.
        out.m_transform.reset(m_transform->Clone());
        if (!out.m_transform)
            throw Error("could not copy a coordinate transformation for another thread");
    }
    return out;
}

bool Reprojection::apply(OGRGeometry& geometry) const
{
    if (!m_transform)
        return true;
    if (m_max_segment > 0)
        geometry.segmentize(m_max_segment);
    return geometry.transform(m_transform.get()) == OGRERR_NONE;
}

} // namespace redline
