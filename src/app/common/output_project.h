#pragma once

#include "box.h"
#include "qgis_project.h"

#include <ogr_spatialref.h>

#include <string>
#include <vector>

namespace redline {

/// Writes OUT.qgz beside the GeoPackage @p gpkg_path: its @p layers styled, grouped and ordered,
/// with relative paths. The project CRS is the layers' CRS when that is projected; for
/// longitude/latitude layers it is the CGCS2000 3-degree Gauss-Krüger zone of the data's centre
/// in China, and the UTM zone elsewhere, so that QGIS shows shapes undistorted. The initial view
/// is @p lonlat_extent (in @p working, longitude/latitude) grown by 5 %.
void write_output_project(const std::string& gpkg_path, const std::string& title,
                          const std::vector<ProjectLayer>& layers, const OGRSpatialReference& layer_srs,
                          const OGRSpatialReference& working, const Box& lonlat_extent);

} // namespace redline
