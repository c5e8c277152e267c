#include "campaign_patches.h"

#include "area_meter.h"
#include "error.h"
#include "gdal_error.h"
#include "geodesic_densify.h"
#include "geos_context.h"
#include "ogr_fields.h"

#include <ogr_api.h>

#include <cmath>
#include <map>

namespace redline {

namespace {

bool polygonal(const OGRGeometry& g)
{
    const OGRwkbGeometryType t = wkbFlatten(g.getGeometryType());
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon || t == wkbMultiSurface;
}

/// Ellipsoidal area of a geometry in @p srs: on the datum's own longitude/latitude, edges
/// densified along the geodesic, measured as `redline activity` measures its patches.
double measure_area(const OGRGeometry& geometry, const OGRSpatialReference& srs, const std::string& where)
{
    SrsPtr geographic = geographic_of(srs);
    const Ellipsoid ellipsoid = ellipsoid_of(srs);
    std::unique_ptr<OGRGeometry> g(geometry.clone());
    const Reprojection to_lonlat(srs, *geographic, densify_step_for(srs), where);
    if (!to_lonlat.apply(*g))
        throw InputError(where + ": cannot transform it to longitude/latitude to measure its area");
    densify_geodesic(*g, ellipsoid);
    const GeosContext ctx;
    GEOSGeometry* geos = g->exportToGEOS(ctx.handle());
    if (!geos)
        throw InputError(where + ": cannot convert its geometry to measure its area");
    const GeomPtr owned(geos, GeomDeleter{ ctx.handle() });
    return AreaMeter(ellipsoid).geodesic(ctx, owned.get());
}

} // namespace

CampaignInput read_campaign_patches(const std::string& path, const std::string& layer, const std::string& option)
{
    gdal_init();
    CplErrorCapture capture;
    CampaignInput in;
    in.path = path;
    GDALDatasetUniquePtr ds;
    OGRLayer* l = open_layer(ds, path, layer, { "activity_patches" }, option);
    in.layer_name = l->GetName();
    in.label = option + " " + path + ", layer " + in.layer_name;
    const OGRSpatialReference* srs = l->GetSpatialRef();
    if (!srs)
        throw InputError(in.label + ": the layer has no CRS; assign the one it was written in (ogr2ogr -a_srs)");
    in.srs = clone_srs(*srs);
    OGRFeatureDefn* d = l->GetLayerDefn();
    auto ix = [d](const char* name) { return d->GetFieldIndex(name); };
    const int i_pid = ix("patch_id");
    if (i_pid < 0)
        throw InputError(in.label + ": no field 'patch_id'; give the activity_patches layer written by redline "
                         "activity (its fields are: " + field_list(l) + ")");
    const int i_rid = ix("redline_id"), i_rname = ix("redline_name"), i_zid = ix("zone_id"),
              i_zname = ix("zone_name"), i_area = ix("area_m2"), i_type = ix("change_type"), i_lon = ix("lon"),
              i_lat = ix("lat"), i_score = ix("score"), i_conf = ix("confidence");
    SrsPtr geographic = geographic_of(*in.srs);
    const Reprojection to_lonlat(*in.srs, *geographic, 0.0, in.label);
    std::map<std::string, std::int64_t> seen;
    std::size_t measured = 0;
    for_each_feature(l, in.label, [&](OGRFeatureUniquePtr& f) {
        CampaignPatch p;
        p.fid = f->GetFID();
        p.patch_id = field_text(*f, i_pid);
        const std::string where = in.label + ", feature FID " + std::to_string(p.fid) +
                                  (p.patch_id.empty() ? "" : " (patch_id " + p.patch_id + ")");
        if (p.patch_id.empty())
            throw InputError(where + ": has no patch_id; every patch needs its id (fill it in or delete the feature)");
        const auto [it, fresh] = seen.emplace(p.patch_id, p.fid);
        if (!fresh)
            throw InputError(where + ": patch_id " + p.patch_id + " is also the id of feature FID " +
                             std::to_string(it->second) + "; patch ids must be unique within a campaign");
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty())
            throw InputError(where + ": has no geometry; every patch needs its outline");
        if (!polygonal(*g))
            throw InputError(where + ": is a " + std::string(OGRGeometryTypeToName(g->getGeometryType())) +
                             ", not a polygon");
        p.geometry.reset(g->hasCurveGeometry() ? g->getLinearGeometry() : g->clone());
        p.geometry->flattenTo2D();
        OGREnvelope env;
        p.geometry->getEnvelope(&env);
        if (!std::isfinite(env.MinX) || !std::isfinite(env.MaxX) || !std::isfinite(env.MinY) || !std::isfinite(env.MaxY))
            throw InputError(where + ": has NaN or infinite coordinates; fix or delete the feature");
        p.redline_id = field_text(*f, i_rid);
        p.redline_name = field_text(*f, i_rname);
        p.zone_id = field_text(*f, i_zid);
        p.zone_name = field_text(*f, i_zname);
        p.change_type = field_text(*f, i_type);
        p.score = field_optional_real(*f, i_score);
        p.confidence = field_optional_real(*f, i_conf);
        const std::optional<double> area = field_optional_real(*f, i_area);
        if (area && std::isfinite(*area) && *area > 0) {
            p.area_m2 = *area;
        } else {
            p.area_m2 = measure_area(*p.geometry, *in.srs, where);
            ++measured;
        }
        const std::optional<double> lon = field_optional_real(*f, i_lon), lat = field_optional_real(*f, i_lat);
        if (lon && lat) {
            p.lon = *lon;
            p.lat = *lat;
        } else {
            OGRGeometryH inside = OGR_G_PointOnSurface(OGRGeometry::ToHandle(p.geometry.get()));
            if (inside) {
                std::unique_ptr<OGRGeometry> point(OGRGeometry::FromHandle(inside));
                if (to_lonlat.apply(*point) && wkbFlatten(point->getGeometryType()) == wkbPoint) {
                    p.lon = point->toPoint()->getX();
                    p.lat = point->toPoint()->getY();
                }
            }
        }
        in.patches.push_back(std::move(p));
    });
    if (measured)
        in.warnings.push_back(in.label + ": " + std::to_string(measured) +
                              " patch(es) have no area_m2; measured their outlines on the ellipsoid");
    if (in.patches.empty())
        in.warnings.push_back(in.label + ": holds no patch; every patch of the ledger still present is classified "
                                         "vanished");
    return in;
}

} // namespace redline
