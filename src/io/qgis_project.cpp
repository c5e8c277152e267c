#include "qgis_project.h"

#include "fnv1a.h"

#include "atomic_file.h"
#include "crs.h"
#include "error.h"
#include "gdal_error.h"
#include "qml_style.h"
#include "text.h"
#include "xml_writer.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <ogr_spatialref.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace redline {

namespace {

const std::string what_we_write = "QGIS project";

// The version QGIS writes into the files it saves; QGIS 3.22 and later read such a project
// without the "saved with a newer version" warning.
const char* const qgis_version = "3.22.16-Białowieża";

/// @brief A CRS as QGIS stores it in a <spatialrefsys> element.
struct QgisCrs
{
    std::string wkt, proj4, authid, srid, description, projection_acronym, ellipsoid_acronym;
    bool geographic = false;
    std::string map_units; ///< as QgsUnitTypes::encodeUnit spells it, for <mapcanvas><units>
};

std::string proj4_parameter(const std::string& proj4, const std::string& key)
{
    const std::string token = "+" + key + "=";
    const std::size_t at = proj4.find(token);
    if (at == std::string::npos)
        return "";
    const std::size_t begin = at + token.size();
    const std::size_t end = proj4.find(' ', begin);
    return proj4.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

QgisCrs qgis_crs(const std::string& user_input, const std::string& what)
{
    SrsPtr srs;
    try {
        srs = srs_from_user_input(user_input, what);
    } catch (const InputError& e) {
        throw OutputError(what_we_write + ": " + e.what());
    }
    CplErrorCapture capture;
    QgisCrs crs;
    // QGIS 3.22 stores WKT2:2019 and prefers it over the PROJ string when it reads a CRS back
    // (the PROJ string loses the datum's name and the axis order).
    const char* wkt_options[] = { "FORMAT=WKT2_2019", "MULTILINE=NO", nullptr };
    char* text = nullptr;
    if (srs->exportToWkt(&text, wkt_options) != OGRERR_NONE || !text) {
        CPLFree(text);
        throw OutputError(what_we_write + ": " + what + " '" + user_input +
                          "' has no WKT2 form" + gdal_says(capture));
    }
    crs.wkt = text;
    CPLFree(text);
    text = nullptr;
    if (srs->exportToProj4(&text) == OGRERR_NONE && text)
        crs.proj4 = text;
    CPLFree(text);
    const std::string type_crs = " +type=crs";
    if (const std::size_t at = crs.proj4.find(type_crs); at != std::string::npos)
        crs.proj4.erase(at, type_crs.size());
    crs.proj4 = trim(crs.proj4);

    const CrsDescription d = describe(*srs);
    crs.authid = d.authority;
    if (const char* name = srs->GetAuthorityName(nullptr); name && EQUAL(name, "EPSG"))
        crs.srid = srs->GetAuthorityCode(nullptr);
    crs.description = d.name;
    crs.geographic = d.geographic;
    crs.projection_acronym = proj4_parameter(crs.proj4, "proj");
    const char* ellps_auth = srs->GetAuthorityName("SPHEROID");
    const char* ellps_code = srs->GetAuthorityCode("SPHEROID");
    if (ellps_auth && ellps_code)
        crs.ellipsoid_acronym = std::string(ellps_auth) + ":" + ellps_code;
    else
        crs.ellipsoid_acronym = proj4_parameter(crs.proj4, "ellps");
    const double metres = srs->GetLinearUnits();
    if (d.geographic)
        crs.map_units = "degrees";
    else if (std::fabs(metres - 1.0) < 1e-9)
        crs.map_units = "meters";
    else if (std::fabs(metres - 0.3048) < 1e-9 || std::fabs(metres - 1200.0 / 3937.0) < 1e-9)
        crs.map_units = "feet"; // international and US survey foot
    else
        crs.map_units = "unknown";
    return crs;
}

void write_spatialrefsys(XmlWriter& xml, const QgisCrs& crs, const Attributes& attributes = {})
{
    xml.open("spatialrefsys", attributes);
    xml.text("wkt", crs.wkt);
    xml.text("proj4", crs.proj4);
    // srsid is the row of QGIS's own srs.db, which we cannot know. QGIS only trusts authid when
    // srsid is a known row; with 0 it builds the CRS from the WKT and still matches it to the
    // EPSG entry (authid reads back as EPSG:xxxx).
    xml.text("srsid", "0");
    xml.text("srid", crs.srid.empty() ? "0" : crs.srid);
    xml.text("authid", crs.authid);
    xml.text("description", crs.description);
    xml.text("projectionacronym", crs.projection_acronym);
    xml.text("ellipsoidacronym", crs.ellipsoid_acronym);
    xml.text("geographicflag", crs.geographic ? "true" : "false");
    xml.close();
}

/// A layer id that stays the same between runs (so projects diff cleanly) and differs between
/// GeoPackages (so two redline projects can be merged into one without clashes).
std::string layer_id(const std::string& gpkg, const std::string& name)
{
    const std::uint64_t hash = fnv1a64(gpkg + "|" + name);
    std::string id;
    for (const char c : name)
        id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return id + "_" + hex;
}

/// @brief A layer of the spec with everything the XML needs.
struct Entry
{
    const ProjectLayer* layer;
    std::string id, title, source;
};

void check_spec(const ProjectSpec& spec)
{
    const std::string& f = spec.gpkg_file_name;
    if (f.empty() || f.find_first_of("/\\|") != std::string::npos || f == "." || f == "..")
        throw OutputError(what_we_write + ": the GeoPackage must be given by its file name alone, got '" +
                          f + "'");
    if (spec.layers.empty())
        throw OutputError(what_we_write + ": no layers");
    std::set<std::string> names;
    for (const auto& l : spec.layers) {
        if (l.name.empty() || l.name.find('|') != std::string::npos)
            throw OutputError(what_we_write + ": bad layer name '" + l.name + "'");
        if (!names.insert(l.name).second)
            throw OutputError(what_we_write + ": layer " + l.name + " is listed twice");
    }
    for (const double v : { spec.xmin, spec.ymin, spec.xmax, spec.ymax })
        if (!std::isfinite(v))
            throw OutputError(what_we_write + ": the initial extent is not set");
    // QGIS cannot zoom to an empty rectangle; a caller with one point pads it itself.
    if (!(spec.xmin < spec.xmax && spec.ymin < spec.ymax))
        throw OutputError(what_we_write + ": the initial extent is empty (min >= max)");
}

void write_extent(XmlWriter& xml, double xmin, double ymin, double xmax, double ymax)
{
    xml.open("extent");
    xml.text("xmin", xml_number(xmin));
    xml.text("ymin", xml_number(ymin));
    xml.text("xmax", xml_number(xmax));
    xml.text("ymax", xml_number(ymax));
    xml.close();
}

void write_custom_properties(XmlWriter& xml)
{
    xml.open("customproperties");
    xml.empty("Option");
    xml.close();
}

void write_map_layer(XmlWriter& xml, const Entry& e, const QgisCrs& layer_crs)
{
    const ProjectLayer& l = *e.layer;
    const QmlStyle style = l.qml.empty() ? QmlStyle{} : parse_qml_style(l.qml, l.name);

    // What QGIS writes on a polygon layer; a style's root attributes (labelsEnabled, scale
    // range, simplification) override the defaults, as they would when QGIS loads the QML.
    Attributes attributes = { { "type", "vector" },
                              { "geometry", "Polygon" },
                              { "wkbType", "MultiPolygon" },
                              { "autoRefreshEnabled", "0" },
                              { "autoRefreshTime", "0" },
                              { "refreshOnNotifyEnabled", "0" },
                              { "refreshOnNotifyMessage", "" },
                              { "legendPlaceholderImage", "" },
                              { "hasScaleBasedVisibilityFlag", "0" },
                              { "minScale", "100000000" },
                              { "maxScale", "0" },
                              { "readOnly", "0" },
                              { "labelsEnabled", "0" },
                              { "styleCategories", "AllStyleCategories" } };
    for (const auto& [name, value] : style.root_attributes) {
        bool replaced = false;
        for (auto& a : attributes)
            if (a.first == name) {
                a.second = value;
                replaced = true;
            }
        if (!replaced)
            attributes.emplace_back(name, value);
    }

    xml.open("maplayer", attributes);
    xml.text("id", e.id);
    xml.text("datasource", e.source);
    xml.open("keywordList");
    xml.empty("value");
    xml.close();
    xml.text("layername", e.title);
    xml.open("srs");
    write_spatialrefsys(xml, layer_crs);
    xml.close();
    xml.text("provider", "ogr", { { "encoding", "UTF-8" } });
    xml.empty("vectorjoins");
    xml.empty("layerDependencies");
    xml.empty("dataDependencies");
    xml.open("map-layer-style-manager", { { "current", "default" } });
    xml.empty("map-layer-style", { { "name", "default" } });
    xml.close();
    xml.empty("auxiliaryLayer");
    xml.verbatim(style.content);
    xml.close();
}

} // namespace

std::string gauss_kruger_crs_for(double lon)
{
    if (std::isnan(lon))
        throw std::invalid_argument("gauss_kruger_crs_for: longitude is NaN");
    // EPSG:4534 ... 4554: CGCS2000 / 3-degree Gauss-Kruger CM 75E ... CM 135E, one per 3°.
    const double zone = std::round((lon - 75.0) / 3.0);
    const int index = zone < 0 ? 0 : zone > 20 ? 20 : int(zone);
    return "EPSG:" + std::to_string(4534 + index);
}

std::string qgis_project_xml(const ProjectSpec& spec)
{
    check_spec(spec);
    const QgisCrs project_crs = qgis_crs(spec.project_crs, "project CRS");
    const QgisCrs layer_crs = qgis_crs(spec.layer_crs, "layer CRS");

    // The tree: groups (and top-level layers) in order of first appearance, each group's layers
    // in list order. The tree order is QGIS's drawing order, so it is also the <layerorder>.
    struct Node
    {
        std::string group; // empty: a top-level layer
        std::vector<Entry> entries;
    };
    std::vector<Node> nodes;
    for (const auto& l : spec.layers) {
        Entry e{ &l, layer_id(spec.gpkg_file_name, l.name), l.title.empty() ? l.name : l.title,
                 "./" + spec.gpkg_file_name + "|layername=" + l.name };
        Node* node = nullptr;
        if (!l.group.empty())
            for (auto& n : nodes)
                if (n.group == l.group)
                    node = &n;
        if (!node) {
            nodes.push_back(Node{ l.group, {} });
            node = &nodes.back();
        }
        node->entries.push_back(std::move(e));
    }
    std::vector<const Entry*> ordered;
    for (const auto& n : nodes)
        for (const auto& e : n.entries)
            ordered.push_back(&e);

    XmlWriter xml;
    xml.raw("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    xml.open("qgis", { { "projectname", spec.title }, { "version", qgis_version } });
    // An empty home path: QGIS resolves "./" sources against the project file's own folder
    // (for a .qgz, the folder of the .qgz, not where QGIS unpacks it).
    xml.empty("homePath", { { "path", "" } });
    xml.text("title", spec.title);
    xml.empty("autotransaction", { { "active", "0" } });
    xml.empty("evaluateDefaultValues", { { "active", "0" } });
    xml.empty("trust", { { "active", "0" } });
    xml.open("projectCrs");
    write_spatialrefsys(xml, project_crs);
    xml.close();

    xml.open("layer-tree-group");
    write_custom_properties(xml);
    auto tree_layer = [&](const Entry& e) {
        xml.open("layer-tree-layer", { { "id", e.id },
                                       { "name", e.title },
                                       { "source", e.source },
                                       { "providerKey", "ogr" },
                                       { "checked", e.layer->visible ? "Qt::Checked" : "Qt::Unchecked" },
                                       { "expanded", "1" },
                                       { "legend_exp", "" },
                                       { "legend_split_behavior", "0" },
                                       { "patch_size", "-1,-1" } });
        write_custom_properties(xml);
        xml.close();
    };
    for (const auto& n : nodes) {
        if (n.group.empty()) {
            tree_layer(n.entries.front());
            continue;
        }
        xml.open("layer-tree-group",
                 { { "name", n.group }, { "checked", "Qt::Checked" }, { "expanded", "1" } });
        write_custom_properties(xml);
        for (const auto& e : n.entries)
            tree_layer(e);
        xml.close();
    }
    xml.open("custom-order", { { "enabled", "0" } });
    for (const Entry* e : ordered)
        xml.text("item", e->id);
    xml.close();
    xml.close();

    xml.empty("relations");
    xml.empty("polymorphicRelations");

    // Read by QGIS Desktop's map canvas (QgsMapCanvas::readProject) for the initial view.
    xml.open("mapcanvas", { { "name", "theMapCanvas" }, { "annotationsVisible", "1" } });
    xml.text("units", project_crs.map_units);
    write_extent(xml, spec.xmin, spec.ymin, spec.xmax, spec.ymax);
    xml.text("rotation", "0");
    xml.open("destinationsrs");
    write_spatialrefsys(xml, project_crs);
    xml.close();
    xml.text("rendermaptile", "0");
    xml.empty("expressionContextScope");
    xml.close();

    xml.open("projectlayers");
    for (const Entry* e : ordered)
        write_map_layer(xml, *e, layer_crs);
    xml.close();

    xml.open("layerorder");
    for (const Entry* e : ordered)
        xml.empty("layer", { { "id", e->id } });
    xml.close();

    xml.open("properties");
    // Measuring in QGIS then gives ellipsoidal areas on the datum's ellipsoid, as redline's.
    const std::string& ellipsoid =
      project_crs.ellipsoid_acronym.empty() ? layer_crs.ellipsoid_acronym : project_crs.ellipsoid_acronym;
    if (!ellipsoid.empty()) {
        xml.open("Measure");
        xml.text("Ellipsoid", ellipsoid, { { "type", "QString" } });
        xml.close();
    }
    xml.open("Measurement");
    xml.text("AreaUnits", "m2", { { "type", "QString" } });
    xml.text("DistanceUnits", "meters", { { "type", "QString" } });
    xml.close();
    xml.open("Paths");
    xml.text("Absolute", "false", { { "type", "bool" } }); // what keeps "./FILE.gpkg" relative on re-save
    xml.close();
    xml.open("PositionPrecision");
    xml.text("Automatic", "true", { { "type", "bool" } });
    xml.text("DecimalPlaces", "2", { { "type", "int" } });
    xml.close();
    xml.open("SpatialRefSys");
    xml.text("ProjectionsEnabled", "1", { { "type", "int" } });
    xml.close();
    xml.close();

    xml.empty("visibility-presets");
    xml.empty("transformContext");
    xml.open("projectMetadata");
    xml.empty("identifier");
    xml.empty("parentidentifier");
    xml.empty("language");
    xml.empty("type");
    xml.text("title", spec.title);
    xml.empty("abstract");
    xml.empty("links");
    xml.text("author", "redline");
    xml.close();

    // The same extent for consumers without a canvas (QGIS Server, QField, PyQGIS); QGIS
    // Desktop also falls back to it when <mapcanvas> is missing.
    xml.open("ProjectViewSettings", { { "UseProjectScales", "0" }, { "rotation", "0" } });
    xml.empty("Scales");
    xml.open("DefaultViewExtent", { { "xmin", xml_number(spec.xmin) },
                                    { "ymin", xml_number(spec.ymin) },
                                    { "xmax", xml_number(spec.xmax) },
                                    { "ymax", xml_number(spec.ymax) } });
    write_spatialrefsys(xml, project_crs);
    xml.close();
    xml.close();
    xml.close();
    return xml.str();
}

void write_qgis_project(const ProjectSpec& spec, const std::string& path)
{
    const fs::path p(path);
    const std::string ext = to_lower(p.extension().string());
    if (ext != ".qgz" && ext != ".qgs")
        throw OutputError(what_we_write + " " + path + ": the file name must end in .qgz or .qgs");
    std::string xml;
    try {
        xml = qgis_project_xml(spec);
    } catch (const OutputError& e) {
        // Name the file: every message of qgis_project_xml starts with "QGIS project".
        std::string message = e.what();
        message.insert(what_we_write.size(), " " + path);
        throw OutputError(message);
    }
    if (ext == ".qgs") {
        write_file_atomically(path, xml, what_we_write);
        return;
    }

    AtomicOutput out(path, what_we_write);
    CplErrorCapture capture;
    const std::string where = what_we_write + " " + path;
    // Inside, the .qgs is named after the final .qgz, as QGIS names it when it saves (QGIS
    // reads whichever .qgs it finds). A non-ASCII name would be stored by GDAL as CP437 plus an
    // Info-ZIP Unicode Path field, which Python's zipfile and Windows Explorer ignore: they
    // would show "黔江.qgs" as ".qgs". An ASCII name reads the same everywhere.
    const std::string stem = p.stem().string();
    const bool ascii = CPLIsASCII(stem.c_str(), stem.size());
    const std::string inner = (ascii ? stem : std::string("project")) + ".qgs";
    void* zip = CPLCreateZip(out.temp_path().c_str(), nullptr);
    if (!zip)
        throw OutputError(where + ": cannot create " + out.temp_path() + gdal_says(capture));
    bool ok = CPLCreateFileInZip(zip, inner.c_str(), nullptr) == CE_None;
    ok = ok && CPLWriteFileInZip(zip, xml.data(), int(xml.size())) == CE_None;
    ok = ok && CPLCloseFileInZip(zip) == CE_None;
    // Close the zip even after a failure, so no handle leaks; a failed close is a failure too.
    ok = CPLCloseZip(zip) == CE_None && ok;
    if (!ok)
        throw OutputError(where + ": write failed (is the disk full?)" + gdal_says(capture));
    out.commit();
}

} // namespace redline
