#include "common/output_project.h"

#include "crs.h"
#include "error.h"

#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace redline {

namespace {

std::string crs_text(const OGRSpatialReference& srs)
{
    const CrsDescription d = describe(srs);
    if (!d.authority.empty())
        return d.authority;
    char* wkt = nullptr;
    const char* options[] = { "FORMAT=WKT2_2018", nullptr };
    srs.exportToWkt(&wkt, options);
    std::string out = wkt ? wkt : "";
    CPLFree(wkt);
    return out;
}

std::string project_crs_for(const OGRSpatialReference& layer_srs, double lon, double lat)
{
    if (layer_srs.IsProjected())
        return crs_text(layer_srs);
    if (lon >= 73.5 && lon <= 136.5 && lat >= 3 && lat <= 54)
        return gauss_kruger_crs_for(lon);
    const int zone = std::max(1, std::min(60, int(std::floor((lon + 180.0) / 6.0)) + 1));
    return "EPSG:" + std::to_string((lat >= 0 ? 32600 : 32700) + zone);
}

} // namespace

void write_output_project(const std::string& gpkg_path, const std::string& title,
                          const std::vector<ProjectLayer>& layers, const OGRSpatialReference& layer_srs,
                          const OGRSpatialReference& working, const Box& lonlat_extent)
{
    if (lonlat_extent.empty())
        return; // nothing to show: no project rather than one opening on an empty map
    ProjectSpec p;
    p.title = title;
    p.gpkg_file_name = fs::path(gpkg_path).filename().string();
    p.layers = layers;
    p.layer_crs = crs_text(layer_srs);
    const double lon = (lonlat_extent.xmin + lonlat_extent.xmax) / 2, lat = (lonlat_extent.ymin + lonlat_extent.ymax) / 2;
    p.project_crs = project_crs_for(layer_srs, lon, lat);

    SrsPtr from = clone_srs(working);
    SrsPtr to = srs_from_user_input(p.project_crs, "project CRS");
    TransformPtr ct(OGRCreateCoordinateTransformation(from.get(), to.get()));
    double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
    if (!ct || !ct->TransformBounds(lonlat_extent.xmin, lonlat_extent.ymin, lonlat_extent.xmax, lonlat_extent.ymax, &xmin,
                                    &ymin, &xmax, &ymax, 21))
        throw OutputError("QGIS project for " + gpkg_path + ": cannot transform the extent to " + p.project_crs);
    const double mx = 0.05 * (xmax - xmin), my = 0.05 * (ymax - ymin);
    p.xmin = xmin - mx;
    p.xmax = xmax + mx;
    p.ymin = ymin - my;
    p.ymax = ymax + my;
    write_qgis_project(p, fs::path(gpkg_path).replace_extension(".qgz").string());
}

} // namespace redline
