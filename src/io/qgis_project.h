#pragma once

#include <limits>
#include <string>
#include <vector>

namespace redline {

/// @brief A layer of a GeoPackage as it appears in a QGIS project.
struct ProjectLayer
{
    std::string name;  ///< layer name in the GeoPackage, e.g. "zones"
    std::string title; ///< shown in the layer tree, e.g. "乡镇 (zones)"; empty: the name
    std::string group; ///< layer-tree group, e.g. "结果" or "质检 (QA)"; empty: top level
    std::string qml;   ///< the style (text of styles/NAME.qml); empty: QGIS's default symbol
    bool visible = true;
};

/// @brief What a QGIS project over one GeoPackage holds.
///
/// All layers are polygon layers of the one GeoPackage, which lies beside the project; the
/// project refers to it by a relative path ("./FILE.gpkg"), so the folder can be moved or zipped.
struct ProjectSpec
{
    std::string title;                ///< project title
    std::string gpkg_file_name;       ///< file name only (e.g. "qianjiang.gpkg")
    std::vector<ProjectLayer> layers; ///< top of the list = drawn on top (and first in the tree)
    std::string project_crs;          ///< e.g. "EPSG:4545" (anything SetFromUserInput takes)
    std::string layer_crs;            ///< CRS of the GeoPackage layers (they all share one), e.g. "EPSG:4490"
    /// Initial map extent, in project_crs; must be set (finite, min < max).
    double xmin = std::numeric_limits<double>::quiet_NaN();
    double ymin = std::numeric_limits<double>::quiet_NaN();
    double xmax = std::numeric_limits<double>::quiet_NaN();
    double ymax = std::numeric_limits<double>::quiet_NaN();
};

/// The project as a QGIS 3.22 .qgs document (UTF-8 XML text).
///
/// Layers sharing a group are gathered under that group where the group first appears in
/// ProjectSpec::layers; the tree order is also the drawing order. Throws OutputError when the
/// spec cannot make a project (unknown CRS, a QML that is not a QGIS style, unset extent, ...).
std::string qgis_project_xml(const ProjectSpec& spec);

/// Writes PATH (.qgz: a zip holding one .qgs, as QGIS saves it; or .qgs: the plain XML)
/// atomically (see AtomicOutput). Throws OutputError.
void write_qgis_project(const ProjectSpec& spec, const std::string& path);

/// EPSG code ("EPSG:4545") of the CGCS2000 3-degree Gauss-Krüger zone without zone prefix
/// ("CM xxxE") whose central meridian is nearest @p lon: EPSG:4534 (75E) ... EPSG:4554 (135E),
/// clamped outside that range. Throws std::invalid_argument for NaN.
std::string gauss_kruger_crs_for(double lon);

} // namespace redline
